// A list's filters (<details class="filter-panel" open data-fold-on-phone>) are open as
// the server sends them, which works without this script. On a phone (under 768 px) a
// panel with no filter in use folds under its heading, so the list is in view at once.
// The page loads this script right after the panel: it runs before the panel is shown.
(function () {
  "use strict";

  if (!window.matchMedia || !window.matchMedia("(max-width: 767.98px)").matches) { return; }
  var panels = document.querySelectorAll("details[data-fold-on-phone]:not([data-in-use])");
  Array.prototype.forEach.call(panels, function (panel) { panel.open = false; });
}());
