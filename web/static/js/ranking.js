// Ranked ballots by clicking candidates in order. Without this script the form is a numbered
// form (a box per candidate); with it, each click adds the candidate at the next rank, and the
// boxes are filled in for the same submission. Works with the keyboard (real buttons) and on a phone.
// Every fieldset[data-ranking] gets its own picker: a slate paper has one for the slates and one for
// the people on them. data-ranking-noun names what is ranked ("candidates", "slates", "people");
// data-ranking-prompt, when given, replaces the instruction. A paper refused and sent back starts
// from the numbers in its boxes. Focus never lands on "Start again" by itself: after the last pick it
// moves on to what follows the picker in the form (the next picker, or the submit button), and after
// a Remove to the next Remove button or the first candidate not yet ranked.
(function () {
  "use strict";

  var FOCUSABLE = "button, input:not([type=hidden]), select, textarea";

  // The first field or button of the form after the picker, or null.
  function after(picker) {
    var form = picker.closest("form");
    if (!form) { return null; }
    return Array.prototype.find.call(form.querySelectorAll(FOCUSABLE), function (element) {
      return !picker.contains(element) && !element.closest("[hidden]") && !element.disabled &&
        (picker.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING);
    }) || null;
  }

  function enhance(fieldset) {
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input[data-name]"));
    var order = [];
    var boxes = fieldset.querySelector(".rank-boxes");
    var legend = fieldset.querySelector("legend");
    var noun = fieldset.dataset.rankingNoun || "candidates";
    boxes.hidden = true;
    legend.textContent = fieldset.dataset.rankingPrompt || ("Click the " + noun + " in the order you prefer " +
      "them: your first choice first. You may stop at any point.");

    var picker = document.createElement("div");
    picker.className = "rank-picker";
    var ranked = document.createElement("ol");
    ranked.className = "rank-list";
    ranked.tabIndex = -1;
    ranked.setAttribute("aria-label", noun === "candidates" ? "Your ranking" : "Your ranking of the " + noun);
    var status = document.createElement("p");
    status.className = "help rank-status";
    status.setAttribute("aria-live", "polite");
    var choices = document.createElement("div");
    choices.className = "rank-choices";
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-label", noun.charAt(0).toUpperCase() + noun.slice(1) + " not yet ranked");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "rank-clear secondary";
    clear.textContent = "Start again";
    if (noun === "people") { clear.setAttribute("aria-label", "Start the ranking of people again"); }
    clear.addEventListener("click", function () { order = []; update("Ranking cleared."); });

    function update(said) {
      inputs.forEach(function (input) {
        var at = order.indexOf(input.dataset.name);
        input.value = at < 0 ? "" : String(at + 1);
      });
      ranked.innerHTML = "";
      order.forEach(function (name, index) {
        var item = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = (index + 1) + ". " + name;
        item.appendChild(label);
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "secondary";
        remove.textContent = "Remove";
        remove.setAttribute("aria-label", "Remove " + name + " from rank " + (index + 1));
        remove.addEventListener("click", function () {
          order.splice(index, 1);
          update(name + " removed.");
          var next = ranked.querySelectorAll("button")[index] || choices.querySelector("button");
          if (next) { next.focus(); }
        });
        item.appendChild(remove);
        ranked.appendChild(item);
      });
      choices.innerHTML = "";
      inputs.forEach(function (input) {
        var name = input.dataset.name;
        if (order.indexOf(name) >= 0) { return; }
        var button = document.createElement("button");
        button.type = "button";
        button.className = "rank-choice";
        button.textContent = name;
        button.setAttribute("aria-label", "Rank " + name + " number " + (order.length + 1));
        button.addEventListener("click", function () {
          order.push(name);
          var all = order.length === inputs.length;
          update(name + " ranked " + order.length + "." + (all ? " All " + noun + " are ranked." : ""));
          (choices.querySelector("button") || after(picker) || ranked).focus();
        });
        choices.appendChild(button);
      });
      status.textContent = said || (order.length ? order.length + " ranked." : "Nobody ranked yet.");
    }

    picker.appendChild(ranked);
    picker.appendChild(choices);
    picker.appendChild(clear);
    picker.appendChild(status);
    fieldset.appendChild(picker);
    // the numbers sent back with a refused paper, in their order (two boxes with one number: paper order)
    order = inputs
      .map(function (input, at) { return {name: input.dataset.name, number: parseInt(input.value, 10), at: at}; })
      .filter(function (given) { return given.number > 0; })
      .sort(function (a, b) { return a.number - b.number || a.at - b.at; })
      .map(function (given) { return given.name; });
    var refused = inputs.find(function (input) { return input.getAttribute("aria-invalid") === "true"; });
    if (refused) { choices.setAttribute("aria-describedby", refused.getAttribute("aria-describedby")); }
    update();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("fieldset[data-ranking]"), enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
