// The resource field table: "Add a field" appends a row and "Remove" drops one, in place.
// Without this script the same button posts the form, which comes back with three more
// empty rows, and each row has a "Delete" checkbox.
(function () {
  "use strict";

  function removeButton(table, row, label) {
    var cell = document.createElement("td");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "remove-row";
    button.textContent = label;
    button.addEventListener("click", function () {
      var box = row.querySelector('input[type="checkbox"][name$="-DELETE"]');
      if (box) { box.checked = true; }
      row.hidden = true;
      var next = table.querySelector("tbody tr.field-row:not([hidden]) input");
      if (next) { next.focus(); }
    });
    cell.appendChild(button);
    row.appendChild(cell);
  }

  function init() {
    var table = document.getElementById("field-table");
    var template = document.getElementById("field-row-template");
    var add = document.getElementById("add-field-row");
    if (!table || !template || !add) { return; }
    var prefix = table.getAttribute("data-prefix");
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var label = add.getAttribute("data-remove-label");
    table.classList.add("js-enabled");
    document.documentElement.classList.add("js");
    table.querySelector("thead tr").appendChild(document.createElement("th"));
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr.field-row"), function (row) {
      if (row.querySelector('input[name$="-DELETE"]:checked')) { row.hidden = true; }
      removeButton(table, row, label);
    });
    add.addEventListener("click", function (event) {
      event.preventDefault();
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var body = table.querySelector("tbody");
      body.insertAdjacentHTML("beforeend", html);
      var row = body.lastElementChild;
      removeButton(table, row, label);
      total.value = String(index + 1);
      var first = row.querySelector("input");
      if (first) { first.focus(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
