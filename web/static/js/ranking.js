// Ranked ballots by clicking candidates in order. Without this script the form is a numbered
// form (a box per candidate); with it, each click adds the candidate at the next rank, and the
// boxes are filled in for the same submission. Works with the keyboard (real buttons) and on a phone.
(function () {
  "use strict";

  function enhance(fieldset) {
    var inputs = Array.prototype.slice.call(fieldset.querySelectorAll("input[data-name]"));
    var order = [];
    var boxes = fieldset.querySelector(".rank-boxes");
    var legend = fieldset.querySelector("legend");
    boxes.hidden = true;
    legend.textContent = "Click the candidates in the order you prefer them: your first choice first. " +
      "You may stop at any point.";

    var picker = document.createElement("div");
    picker.className = "rank-picker";
    var ranked = document.createElement("ol");
    ranked.className = "rank-list";
    ranked.setAttribute("aria-label", "Your ranking");
    var status = document.createElement("p");
    status.className = "help rank-status";
    status.setAttribute("aria-live", "polite");
    var choices = document.createElement("div");
    choices.className = "rank-choices";
    choices.setAttribute("role", "group");
    choices.setAttribute("aria-label", "Candidates not yet ranked");
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "rank-clear secondary";
    clear.textContent = "Start again";
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
          update(name + " ranked " + order.length + ".");
          var next = choices.querySelector("button");
          (next || clear).focus();
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
    inputs.forEach(function (input) {
      var number = parseInt(input.value, 10);
      if (number > 0) { order[number - 1] = input.dataset.name; }
    });
    order = order.filter(Boolean);
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
