// The query page: runs the form's query with fetch and shows the answer as a table.
// Results are inserted with textContent only, never as HTML, so no query result can inject markup.
"use strict";

// IRIs of this dataset open on this server (relative to the query page), everything else as it is.
const BASE = "https://w3id.org/gdegraph/";
// The only schemes a result IRI is linked with (as gdegraph/site/views.py LINKABLE_SCHEMES): no javascript:, data:.
const LINKABLE = /^(https?|ftp|mailto):/i;

function cell(term) {
  const td = document.createElement("td");
  if (!term) return td;
  if (term.type === "uri" && LINKABLE.test(term.value)) {
    const a = document.createElement("a");
    a.href = term.value.startsWith(BASE) ? term.value.slice(BASE.length) : term.value;
    a.textContent = term.value;
    td.appendChild(a);
  } else {
    td.textContent = term.value;
    if (term["xml:lang"]) td.lang = term["xml:lang"];
  }
  return td;
}

function table(data) {
  const t = document.createElement("table");
  const caption = t.createCaption();
  caption.textContent = data.results.bindings.length + " results";
  const head = t.createTHead().insertRow();
  for (const name of data.head.vars) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    head.appendChild(th);
  }
  const body = t.createTBody();
  for (const row of data.results.bindings) {
    const tr = body.insertRow();
    for (const name of data.head.vars) tr.appendChild(cell(row[name]));
  }
  return t;
}

async function run(form) {
  const status = document.getElementById("status");
  const results = document.getElementById("results");
  results.replaceChildren();
  status.textContent = "Running…";
  const url = form.action + "?" + new URLSearchParams({ query: form.query.value });
  const response = await fetch(url, {
    headers: { Accept: "application/sparql-results+json, text/turtle;q=0.9" },
  });
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok) {
    status.textContent = "The endpoint refused the query (HTTP " + response.status + ").";
    const pre = document.createElement("pre");
    pre.className = "error";
    pre.textContent = await response.text();
    results.appendChild(pre);
  } else if (type.startsWith("application/sparql-results+json")) {
    const data = await response.json();
    if ("boolean" in data) {
      status.textContent = "Answer: " + (data.boolean ? "yes" : "no") + ".";
    } else {
      status.textContent = "Done.";
      results.appendChild(table(data));
    }
  } else {
    status.textContent = "Done.";
    const pre = document.createElement("pre");
    pre.textContent = await response.text();
    results.appendChild(pre);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("query-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(form).catch((error) => {
      document.getElementById("status").textContent = "The query could not be sent: " + error;
    });
  });
});
