// The search box on every page: MiniSearch over the index the site build wrote (explore/search.js),
// typo-tolerant (fuzzy) and prefix-matching, over names, other names and codes. Results are links, built
// with textContent only.
"use strict";
(function () {
  const root = document.documentElement.dataset.root || "";
  let engine = null;
  function index() {
    if (engine || !window.MiniSearch || !window.GDE_SEARCH) return engine;
    engine = new window.MiniSearch({
      fields: ["name", "alt", "code"], storeFields: ["name", "kind", "code"],
      searchOptions: { boost: { name: 3, code: 3 }, fuzzy: 0.25, prefix: true },
    });
    engine.addAll(window.GDE_SEARCH);
    return engine;
  }
  document.addEventListener("DOMContentLoaded", () => {
    const input = document.getElementById("site-search");
    const list = document.getElementById("search-results");
    if (!input || !list) return;
    function show() {
      const found = input.value.trim().length > 1 && index() ? engine.search(input.value.trim()).slice(0, 10) : [];
      list.replaceChildren();
      for (const hit of found) {
        const li = document.createElement("li");
        const a = document.createElement("a");
        a.href = root + hit.id + ".html";
        a.textContent = hit.name;
        const small = document.createElement("small");
        small.textContent = " " + hit.kind + (hit.code ? " " + hit.code : "");
        li.append(a, small);
        list.appendChild(li);
      }
      list.hidden = found.length === 0;
      input.setAttribute("aria-expanded", String(found.length > 0));
    }
    input.addEventListener("input", show);
    input.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const first = list.querySelector("a");
      if (first) window.location.href = first.href;
    });
  });
})();
