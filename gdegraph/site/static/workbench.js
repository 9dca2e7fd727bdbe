// The query workbench: YASGUI (vendored) on this site's endpoint, the library queries as a gallery,
// results whose IRIs of this dataset link to the resources' pages and read as their names.
// `sparql?query=...` and `sparql.html#query=...` open with the query filled in and run (YASGUI reads both).
// The static site has no endpoint (explore/endpoint.js says which: the page's own bytes are the same from
// the server and the static site), so there each query runs in the page, on oxigraph's WebAssembly build
// over the site's own quads. A page opened from disk (file://) may not fetch() files, load ES modules or
// fetch a .wasm, so the engine, its wasm and the data are classic scripts (static/vendor/oxigraph.js,
// static/vendor/oxigraph-wasm.js, explore/quads.js), added with the first query; the wasm and the quads
// are gzipped base64, inflated by DecompressionStream. The server's pages never load them.
"use strict";
(function () {
  const root = document.documentElement.dataset.root || "";

  function loadScript(src) {
    return new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = src;
      script.onload = resolve;
      script.onerror = () => reject(new Error("cannot load " + src));
      document.head.appendChild(script);
    });
  }

  async function gunzip(base64) {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  // The in-browser engine, made once, on the first query: an oxigraph store holding the site's quads.
  let engine = null;
  function browserStore() {
    if (!engine) {
      engine = (async () => {
        await Promise.all(["static/vendor/oxigraph.js", "static/vendor/oxigraph-wasm.js", "explore/quads.js"]
          .map((path) => loadScript(root + path)));
        await window.oxigraph.init({ module_or_path: await gunzip(window.GDE_OXIGRAPH_WASM) });
        const store = new window.oxigraph.Store();
        store.load(await gunzip(window.GDE_QUADS), { format: "application/n-quads" });
        delete window.GDE_OXIGRAPH_WASM; // the strings are not needed again
        delete window.GDE_QUADS;
        return store;
      })();
      engine.catch(() => { engine = null; }); // a failed load is tried again with the next query
    }
    return engine;
  }

  // Yasqe's query() sends the query to the endpoint; here it runs it in the page instead, and answers
  // with the same events and the same kind of response (SPARQL JSON results, or Turtle for a graph),
  // as the endpoint would, so YASGUI's tab hands it to Yasr and the result views work unchanged.
  // As on the server, the default graph is the union of the named graphs (one per source).
  function queryInBrowser(yasqe) {
    yasqe.query = async function () {
      yasqe.abortQuery();
      const started = Date.now();
      const controller = new AbortController();
      yasqe.emit("queryBefore", yasqe);
      yasqe.emit("query", { url: "browser" }, controller);
      try {
        const store = await browserStore();
        if (controller.signal.aborted) return undefined;
        const graph = /^(CONSTRUCT|DESCRIBE)$/.test(yasqe.getQueryType());
        const type = graph ? "text/turtle" : "application/sparql-results+json";
        const content = store.query(yasqe.getValue(), { use_default_graph_as_union: true, results_format: type });
        const response = { ok: true, status: 200, statusText: "OK", type: "basic",
                           headers: new Headers({ "Content-Type": type }), content: String(content) };
        yasqe.emit("queryResponse", response, Date.now() - started);
        yasqe.emit("queryResults", response.content, Date.now() - started);
        return response;
      } catch (e) {
        const error = e instanceof Error ? e : new Error(String(e));
        if (!controller.signal.aborted) yasqe.emit("queryResponse", error, Date.now() - started);
        yasqe.emit("error", error);
        throw error;
      }
    };
  }
  document.addEventListener("DOMContentLoaded", () => {
    const element = document.getElementById("workbench");
    const status = document.getElementById("workbench-status");
    if (!element || !window.Yasgui) return;
    const config = JSON.parse(document.getElementById("workbench-config").textContent);
    const browser = !window.GDE_ENDPOINT;
    if (browser) element.classList.add("in-browser"); // no endpoint field: see site.css
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
      populateFromUrl: false, // read below, so that the static site never sends the query anywhere
      yasqe: { autocompleters: ["prefixes", "variables"], resizeable: true, editorHeight: "260px" },
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
        // A failed query is drawn too: the status says which it was (the engine's message is in Yasr).
        yasr.on("drawn", () => {
          relink(yasr.resultsEl);
          status.textContent = yasr.results && yasr.results.hasError() ? "The query failed." : "Done.";
        });
        if (browser) yasr.config.getPlainQueryLinkToEndpoint = undefined; // no endpoint to try the query at
      }
      const yasqe = tab.getYasqe();
      if (yasqe && !yasqe._gdeWired) {
        yasqe._gdeWired = true;
        if (browser) queryInBrowser(yasqe);
        yasqe.on("query", () => {
          if (browser && !engine) status.textContent = "Loading the graph into your browser…";
        });
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
      status.textContent = "Running…";
      tab.getYasqe().query().catch(() => {}); // a failure is shown by Yasr and the "error" event
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
