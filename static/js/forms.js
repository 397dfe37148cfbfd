// The error summary (templates/_error_summary.html) takes focus when the page opens, so the
// first thing read out is what went wrong; its links then move focus to the field itself.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) {
    summary.focus();
  }
});
