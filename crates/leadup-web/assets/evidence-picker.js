// Evidence pickers (pages/evidence_picker.rs): a box above each list narrows it, as one
// types, to the pieces whose text holds every word typed; chosen pieces always stay in view.
// Without this script the lists work as they are.
"use strict";
document.querySelectorAll("fieldset.evidence-picker").forEach(function (picker) {
  var list = picker.querySelector("ul.evidence-list");
  if (!list) {
    return;
  }
  var box = document.createElement("input");
  box.type = "search";
  box.className = "evidence-filter";
  box.placeholder = "Type to find evidence";
  box.setAttribute("aria-label", "Find evidence for " + picker.dataset.claim);
  picker.insertBefore(box, list);
  box.addEventListener("input", function () {
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.querySelectorAll("li").forEach(function (choice) {
      var text = choice.textContent.toLowerCase();
      var chosen = choice.querySelector("input").checked;
      choice.hidden = !chosen && !words.every(function (word) { return text.indexOf(word) >= 0; });
    });
  });
});
