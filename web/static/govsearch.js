/* govsearch pages: small progressive enhancements. Every page works without this file.
   - on a phone, the facet panel starts folded so the results come first;
   - a report opened with ?q= but no #anchor scrolls to its first match. */
(function () {
  "use strict";

  function foldFacetsOnPhones() {
    var panel = document.querySelector("details.facet-panel");
    if (!panel || !window.matchMedia) return;
    var phone = window.matchMedia("(max-width: 52rem)");
    var hasActive = panel.querySelector("[aria-current]") !== null;
    if (phone.matches && !hasActive) panel.removeAttribute("open");
    if (!phone.matches) panel.setAttribute("open", "");
  }

  function scrollToFirstMatch() {
    if (location.hash) return;
    var first = document.getElementById("first-match");
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
  }

  function init() {
    foldFacetsOnPhones();
    scrollToFirstMatch();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
