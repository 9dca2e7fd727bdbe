// The query workbench: YASGUI (vendored) on this site's endpoint, the library queries as a gallery,
// results whose IRIs of this dataset link to the resources' pages and read as their names.
// `sparql?query=...` and `sparql.html#query=...` open with the query filled in and run (YASGUI reads both).
"use strict";
(function () {
  const root = document.documentElement.dataset.root || "";
  document.addEventListener("DOMContentLoaded", () => {
    const element = document.getElementById("workbench");
    const status = document.getElementById("workbench-status");
    if (!element || !window.Yasgui) return;
    const config = JSON.parse(document.getElementById("workbench-config").textContent);
    const local = window.location.protocol === "file:";
    const endpoint = new URL(root + "sparql", window.location.href).href;
    const names = {};
    for (const doc of window.GDE_SEARCH || []) names[doc.id] = doc.name + (doc.code ? " (" + doc.code + ")" : "");
    if (window.Yasgui.Yasr && window.Yasgui.Yasr.plugins.table) {
      window.Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false; // pages open where the reader is
    }
    const yasgui = new window.Yasgui(element, {
      requestConfig: { endpoint, method: "GET" },
      copyEndpointOnNewTab: true,
      endpointCatalogueOptions: { getData: () => [{ endpoint }] },
      persistenceId: null,
      populateFromUrl: false, // read below, so that a copy opened from disk never sends the query anywhere
      yasqe: { autocompleters: ["prefixes", "variables"], resizeable: true, editorHeight: "260px",
               queryingDisabled: local ? "There is no endpoint in a copy of the site opened from disk" : undefined },
      yasr: { prefixes: config.prefixes, defaultPlugin: "table" },
    });
    // An IRI is a link only with a scheme a reader can follow safely (as gdegraph.site.views.linkable
    // decides for the pages): a javascript: or data: IRI in a result stays text (issue 14).
    const SAFE = /^(https?|ftp|mailto):/i;
    function unlink(container) {
      for (const a of container.querySelectorAll("a[href]")) {
        const href = a.getAttribute("href");
        if (/^[a-z][a-z0-9+.-]*:/i.test(href) && !SAFE.test(href)) a.replaceWith(document.createTextNode(a.textContent));
      }
    }
    function relink(container) {
      unlink(container);
      for (const a of container.querySelectorAll("a[href^='" + config.ns + "id/'], a[href^='" + config.ns + "def']")) {
        const path = a.getAttribute("href").slice(config.ns.length);
        a.setAttribute("href", root + (path === "def" ? "def/index" : path) + ".html");
        a.removeAttribute("target");
        if (names[path]) a.textContent = names[path];
      }
    }
    function wire(tab) {
      const yasr = tab.getYasr();
      if (yasr && !yasr._gdeWired) {
        yasr._gdeWired = true;
        const table = yasr.plugins && yasr.plugins.table;
        if (table) table.persistentConfig.compact = true; // values as people read them: no quotes, no <IRI>
        yasr.on("drawn", () => { relink(yasr.resultsEl); status.textContent = "Done."; });
      }
      const yasqe = tab.getYasqe();
      if (yasqe && !yasqe._gdeWired) {
        yasqe._gdeWired = true;
        yasqe.on("queryResponse", () => { status.textContent = "Done."; });
        yasqe.on("error", () => { status.textContent = "The query failed."; });
      }
    }
    yasgui.on("tabSelect", () => setTimeout(() => wire(yasgui.getTab()), 0));
    wire(yasgui.getTab());
    function run(text) {
      const tab = yasgui.getTab();
      tab.setQuery(text);
      wire(tab);
      if (local) {
        status.textContent = "This copy of the site was opened from disk, so there is no endpoint to run the query: " +
          "each library query's page shows its results.";
        return;
      }
      status.textContent = "Running…";
      tab.getYasqe().query();
    }
    for (const button of document.querySelectorAll("button.load-example")) {
      button.addEventListener("click", () => {
        run(config.examples[button.dataset.query]);
        element.scrollIntoView();
      });
    }
    const params = new URLSearchParams(window.location.search.length > 1 ? window.location.search : window.location.hash.slice(1));
    if (params.get("query")) run(params.get("query"));
    window.gdeWorkbench = yasgui;
  });
})();
