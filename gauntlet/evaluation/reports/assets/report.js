(function () {
  "use strict";
  var table = document.getElementById("scenario-table");
  if (!table) { return; }
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var sections = Array.prototype.slice.call(document.querySelectorAll("details.scenario"));
  var statusSel = document.getElementById("filter-status");
  var categorySel = document.getElementById("filter-category");
  var textBox = document.getElementById("filter-text");
  var count = document.getElementById("match-count");
  var noMatch = document.getElementById("no-match");

  function matches(el) {
    var status = statusSel.value, category = categorySel.value;
    var words = textBox.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var haystack = el.getAttribute("data-search") || "";
    return (!status || el.getAttribute("data-status") === status) &&
      (!category || el.getAttribute("data-category") === category) &&
      words.every(function (w) { return haystack.indexOf(w) >= 0; });
  }

  function applyFilters() {
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row);
      row.classList.toggle("hidden", !ok);
      if (ok) { shown += 1; }
    });
    sections.forEach(function (d) { d.classList.toggle("hidden", !matches(d)); });
    count.textContent = shown + " of " + rows.length + " scenarios";
    noMatch.classList.toggle("hidden", shown > 0);
  }

  statusSel.addEventListener("change", applyFilters);
  categorySel.addEventListener("change", applyFilters);
  textBox.addEventListener("input", applyFilters);
  document.querySelectorAll("button[data-filter-status]").forEach(function (b) {
    b.addEventListener("click", function () {
      statusSel.value = b.getAttribute("data-filter-status");
      applyFilters();
      document.getElementById("scenarios").scrollIntoView();
    });
  });

  function sortKey(row, column, numeric) {
    var cell = row.cells[column];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (!numeric) { return raw.toLowerCase(); }
    var v = parseFloat(raw);
    return isNaN(v) ? null : v;
  }

  table.querySelectorAll("th[data-sort]").forEach(function (th) {
    th.addEventListener("click", function () {
      var numeric = th.getAttribute("data-sort") === "num";
      var ascending = !th.classList.contains("asc");
      table.querySelectorAll("th[data-sort]").forEach(function (o) { o.classList.remove("asc", "desc"); });
      th.classList.add(ascending ? "asc" : "desc");
      var column = th.cellIndex;
      var sorted = rows.slice().sort(function (a, b) {
        var ka = sortKey(a, column, numeric), kb = sortKey(b, column, numeric);
        if (ka === kb) { return 0; }
        if (ka === null) { return 1; }
        if (kb === null) { return -1; }
        return (ka < kb ? -1 : 1) * (ascending ? 1 : -1);
      });
      sorted.forEach(function (row) { table.tBodies[0].appendChild(row); });
    });
  });

  function setAll(open) {
    sections.forEach(function (d) { if (!d.classList.contains("hidden")) { d.open = open; } });
  }
  document.getElementById("expand-all").addEventListener("click", function () { setAll(true); });
  document.getElementById("collapse-all").addEventListener("click", function () { setAll(false); });

  document.querySelectorAll(".figs img").forEach(function (img) {
    img.addEventListener("click", function () { img.parentNode.classList.toggle("wide"); });
  });

  function openFromHash() {
    var id;
    try { id = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    var el = id ? document.getElementById(id) : null;
    if (el && el.tagName === "DETAILS") {
      el.classList.remove("hidden");
      el.open = true;
      el.scrollIntoView();
    }
  }
  window.addEventListener("hashchange", openFromHash);
  applyFilters();
  openFromHash();
})();
