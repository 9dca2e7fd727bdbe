// Maps: the big map of trusts and pairing lines (explore/map.js) and a trust page's small map.
// Points and lines are vector layers drawn by Leaflet; only the OpenStreetMap background tiles come from
// another host, loaded by the reader's browser, and the points and lines show without them.
"use strict";
(function () {
  const root = document.documentElement.dataset.root || "";
  const TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png";
  const ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors';

  function base(element, centre, zoom) {
    const map = window.L.map(element, { scrollWheelZoom: false }).setView(centre, zoom);
    window.L.tileLayer(TILES, { maxZoom: 18, attribution: ATTRIBUTION }).addTo(map);
    return map;
  }
  function link(text, path) {
    const a = document.createElement("a");
    a.href = root + path + ".html";
    a.textContent = text;
    return a;
  }
  function bigMap(element, data) {
    const map = base(element, [53.0, -1.8], 6);
    for (const line of data.lines) {
      window.L.polyline([line.from, line.to], { color: line.colour, weight: 3, opacity: 0.8 })
        .bindPopup(() => link(line.label, line.path)).addTo(map);
    }
    for (const p of data.points) {
      window.L.circleMarker(p.at, { radius: 7, color: "#fff", weight: 1.5, fillColor: data.roles[p.role] || "#768692", fillOpacity: 0.95 })
        .bindPopup(() => {
          const div = document.createElement("div");
          div.className = "popup";
          div.appendChild(link(p.name, p.path));
          const small = document.createElement("p");
          small.textContent = [p.code, p.roles.join(", "), p.programmes.join(", ")].filter(Boolean).join(" · ");
          div.appendChild(small);
          // named as in its earliest programme role; what it is now, when that differs
          if (p.now && p.now !== p.name) div.appendChild(Object.assign(document.createElement("p"), { textContent: "Now: " + p.now }));
          return div;
        }).addTo(map);
    }
    if (data.points.length) map.fitBounds(data.points.map((p) => p.at), { padding: [20, 20], animate: false }); // no zoom animation: points stay put
    element.dataset.points = String(data.points.length);
    element.dataset.lines = String(data.lines.length);
  }
  function miniMap(element) {
    const at = [Number(element.dataset.lat), Number(element.dataset.long)];
    const map = base(element, at, 10);
    window.L.circleMarker(at, { radius: 8, color: "#fff", weight: 2, fillColor: "#005eb8", fillOpacity: 1 })
      .bindTooltip(element.dataset.name).addTo(map);
  }
  document.addEventListener("DOMContentLoaded", () => {
    for (const swatch of document.querySelectorAll(".swatch[data-colour]")) swatch.style.background = swatch.dataset.colour;
    if (!window.L) return;
    const big = document.getElementById("map");
    if (big && window.GDE_MAP) bigMap(big, window.GDE_MAP);
    const mini = document.getElementById("minimap");
    if (mini) miniMap(mini);
  });
})();
