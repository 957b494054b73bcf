// Switching the language reloads the page by GET, which would drop what was typed in the
// page's forms (or sent and refused: a form with errors shows the values the server got
// back). The language form keeps them in this tab's sessionStorage for a minute, and the
// reloaded page puts them back into the same fields of the same forms. Never kept:
// passwords, one-time codes, files, hidden fields (tokens). Without this script the
// switch still works; only the typing is lost, as before.
(function () {
  "use strict";

  var KEY = "kept-input";
  var MAX_AGE_MS = 60 * 1000;
  var SKIPPED_TYPES = ["password", "file", "hidden", "submit", "button", "reset", "image"];

  function kept(field) {
    if (!field.name || field.disabled || SKIPPED_TYPES.indexOf(field.type) !== -1) {
      return false;
    }
    return field.getAttribute("autocomplete") !== "one-time-code";
  }

  // Forms other than the language switch, each named by its action and its place among
  // the forms with that action (a page can hold several forms posting to one URL).
  function forms() {
    var seen = {};
    var found = [];
    Array.prototype.forEach.call(document.forms, function (form) {
      if (form.classList.contains("lang")) {
        return;
      }
      var action = form.getAttribute("action") || "";
      seen[action] = (seen[action] || 0) + 1;
      found.push({ form: form, name: action + "#" + seen[action] });
    });
    return found;
  }

  function read(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field)) {
        return;
      }
      if (field.type === "checkbox" || field.type === "radio") {
        values[field.name] = values[field.name] || [];
        if (field.checked) {
          values[field.name].push(field.value);
        }
      } else if (field.tagName === "SELECT" && field.multiple) {
        values[field.name] = Array.prototype.filter
          .call(field.options, function (option) { return option.selected; })
          .map(function (option) { return option.value; });
      } else if (field.value !== "") {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function write(form, values) {
    Array.prototype.forEach.call(form.elements, function (field) {
      if (!kept(field) || !Object.prototype.hasOwnProperty.call(values, field.name)) {
        return;
      }
      var value = values[field.name];
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = Array.isArray(value) && value.indexOf(field.value) !== -1;
      } else if (field.tagName === "SELECT" && field.multiple) {
        Array.prototype.forEach.call(field.options, function (option) {
          option.selected = Array.isArray(value) && value.indexOf(option.value) !== -1;
        });
      } else if (typeof value === "string") {
        field.value = value;
      }
    });
  }

  function here() {
    return window.location.pathname + window.location.search;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("lang")) {
      return;
    }
    var next = form.elements.next ? form.elements.next.value : here();
    var saved = {};
    forms().forEach(function (entry) {
      saved[entry.name] = read(entry.form);
    });
    try {
      window.sessionStorage.setItem(
        KEY, JSON.stringify({ path: next, at: Date.now(), forms: saved })
      );
    } catch (ignored) {
      // Storage refused (private mode, full): the switch goes on without the typing.
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var saved;
    try {
      saved = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
      window.sessionStorage.removeItem(KEY);
    } catch (ignored) {
      return;
    }
    if (!saved || saved.path !== here() || Date.now() - saved.at > MAX_AGE_MS) {
      return;
    }
    forms().forEach(function (entry) {
      if (saved.forms && saved.forms[entry.name]) {
        write(entry.form, saved.forms[entry.name]);
      }
    });
  });
})();
