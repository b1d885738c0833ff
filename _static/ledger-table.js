/* Claims-ledger tables (compendium.claims.ledger.ledger_table_html): a filter box and sortable
   columns, in plain JavaScript with no libraries, so the book works offline and from file://.
   Without this script the table is a plain, unsorted table and the filter box stays hidden. */
(function () {
  "use strict";

  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

  function cellText(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }

  function sortRows(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    var headers = table.tHead.rows[0].cells;
    for (var i = 0; i < headers.length; i += 1) {
      headers[i].removeAttribute("aria-sort");
    }
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var order = collator.compare(cellText(a, index), cellText(b, index));
      if (order === 0) {
        // Ties keep registry order, whichever the direction.
        return Number(a.dataset.ledgerOrder) - Number(b.dataset.ledgerOrder);
      }
      return ascending ? order : -order;
    });
    rows.forEach(function (row) {
      body.appendChild(row);
    });
  }

  function filterRows(table, query, counter) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = table.tBodies[0].rows;
    var shown = 0;
    for (var i = 0; i < rows.length; i += 1) {
      var text = rows[i].textContent.toLowerCase();
      var match = words.every(function (word) {
        return text.indexOf(word) !== -1;
      });
      rows[i].hidden = !match;
      shown += match ? 1 : 0;
    }
    counter.textContent = "showing " + shown + " of " + rows.length + " claims";
  }

  function setUp(wrapper) {
    var table = wrapper.querySelector("table.ledger-table");
    var controls = wrapper.querySelector(".ledger-controls");
    if (!table || !table.tHead || !table.tBodies.length || wrapper.dataset.ledgerReady) {
      return;
    }
    wrapper.dataset.ledgerReady = "true";
    Array.prototype.forEach.call(table.tBodies[0].rows, function (row, i) {
      row.dataset.ledgerOrder = String(i);
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (header, index) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "ledger-sort";
      button.title = "Sort by this column";
      button.textContent = header.textContent;
      header.textContent = "";
      header.appendChild(button);
      button.addEventListener("click", function () {
        sortRows(table, index, header);
      });
    });
    if (controls) {
      var input = controls.querySelector("input.ledger-search");
      var counter = controls.querySelector(".ledger-shown");
      controls.hidden = false;
      input.addEventListener("input", function () {
        filterRows(table, input.value, counter);
      });
      filterRows(table, input.value, counter);
    }
  }

  function setUpAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".ledger-table-wrapper"), setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
