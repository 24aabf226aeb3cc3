/* govsearch pages: small progressive enhancements. Every page works without this file.
   - on a phone, the facet panel starts folded so the results come first;
   - a report opened with ?q= but no #anchor scrolls to its first match;
   - ticking a facet checkbox applies it at once (without JavaScript: the 应用筛选 button). */
(function () {
  "use strict";

  function foldFacetsOnPhones() {
    var panel = document.querySelector("details.facet-panel");
    if (!panel || !window.matchMedia) return;
    var phone = window.matchMedia("(max-width: 52rem)");
    var hasActive = panel.querySelector("input:checked") !== null;
    if (phone.matches && !hasActive) panel.removeAttribute("open");
    if (!phone.matches) panel.setAttribute("open", "");
  }

  function scrollToFirstMatch() {
    if (location.hash) return;
    var first = document.getElementById("first-match");
    if (first && first.scrollIntoView) first.scrollIntoView({ block: "center" });
  }

  function applyFacetsOnChange() {
    var form = document.querySelector("form.facets");
    if (!form) return;
    // back/forward: the browser may bring the page back with the boxes as they were
    // ticked before leaving; show the state of this page's URL instead
    window.addEventListener("pageshow", function () { form.reset(); });
    form.addEventListener("change", function (event) {
      if (event.target && event.target.type === "checkbox") form.requestSubmit ? form.requestSubmit() : form.submit();
    });
  }

  function init() {
    applyFacetsOnChange();
    foldFacetsOnPhones();
    scrollToFirstMatch();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
