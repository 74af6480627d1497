// The source view: bring the highlighted quote into view and give it focus, so that keyboard
// and screen-reader users land on it too (the #quote fragment alone only scrolls).
(function () {
  "use strict";
  var quote = document.getElementById("quote");
  if (!quote) return;
  quote.scrollIntoView({ block: "center" });
  quote.focus({ preventScroll: true });
})();
