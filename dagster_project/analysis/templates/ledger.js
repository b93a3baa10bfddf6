// The claims ledger's sorter and filter: no library, no network.
(function () {
  var table = document.getElementById("ledger");
  if (!table) return;
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  var filter = document.getElementById("ledger-filter");
  var verdict = document.getElementById("ledger-verdict");
  var count = document.getElementById("ledger-count");

  function key(row, column, numeric) {
    var cell = row.cells[column];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (!numeric) return raw.trim().toLowerCase();
    var value = parseFloat(raw);
    return isNaN(value) ? null : value;
  }

  function sortBy(column) {
    var header = headers[column];
    var numeric = header.getAttribute("data-type") === "number";
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a, column, numeric), y = key(b, column, numeric);
      if (x === y) return key(a, 0, true) - key(b, 0, true);
      if (x === null || x === "") return 1;  // blanks last, either direction
      if (y === null || y === "") return -1;
      var order = x < y ? -1 : 1;
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    for (var i = 0; i < headers.length; i++) headers[i].removeAttribute("aria-sort");
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function applyFilter() {
    var text = filter.value.trim().toLowerCase();
    var wanted = verdict.value;
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var visible = (!text || row.textContent.toLowerCase().indexOf(text) >= 0) &&
        (!wanted || row.querySelector("td.verdict").textContent.trim() === wanted);
      row.hidden = !visible;
      if (visible) shown++;
    });
    count.textContent = shown + " of " + body.rows.length + " claims";
  }

  Array.prototype.forEach.call(headers, function (header, column) {
    header.setAttribute("tabindex", "0");
    header.addEventListener("click", function () { sortBy(column); });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sortBy(column); }
    });
  });
  filter.addEventListener("input", applyFilter);
  verdict.addEventListener("change", applyFilter);
})();
