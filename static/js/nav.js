// The header's menus are <details> and work without this script. With it, a menu that
// opens as a panel over the page (desktop) closes when another one opens, on a click
// elsewhere or when the focus moves out; Escape closes a menu at any width. On a phone
// the menus open in place, and closing one there would move what is about to be tapped.
(function () {
  "use strict";

  var menus = Array.prototype.slice.call(document.querySelectorAll(".main-nav details"));
  if (!menus.length) { return; }

  function floating(menu) {
    var panel = menu.querySelector("ul");
    return panel && window.getComputedStyle(panel).position === "absolute";
  }

  function closeFloating(keep) {
    menus.forEach(function (menu) {
      if (menu !== keep && menu.open && floating(menu)) { menu.open = false; }
    });
  }

  menus.forEach(function (menu) {
    menu.addEventListener("toggle", function () {
      if (menu.open && floating(menu)) { closeFloating(menu); }
    });
    // Only when the focus lands somewhere else: a click on a link that does not take the
    // focus (Safari) must not close the menu before the link is followed.
    menu.addEventListener("focusout", function (event) {
      if (event.relatedTarget && !menu.contains(event.relatedTarget) && floating(menu)) {
        menu.open = false;
      }
    });
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest(".main-nav details")) { closeFloating(null); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var open = menus.filter(function (menu) { return menu.open; })[0];
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();
