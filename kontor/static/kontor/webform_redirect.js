// A web form's thank-you page inside a website's frame: the page the form sends visitors on to
// belongs in the whole window, not in the frame. Without JavaScript the link does the same.
(function () {
  "use strict";
  var next = document.getElementById("webform-next");
  try { if (next) window.top.location.href = next.href; } catch (error) {}
})();
