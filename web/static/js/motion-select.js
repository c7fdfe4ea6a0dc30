/* Progressive enhancement for motion and amendment pages: selecting words in the
   motion's text fills the amendment form's passage (and which appearance of those
   words it is) and the discussion form's quote. Without this script both are plain
   fields the member fills in by hand. */
(function () {
  "use strict";
  var text = document.querySelector("[data-selectable]");
  if (!text) { return; }
  var passage = document.querySelector("[data-passage-field]");
  var occurrence = document.querySelector("[data-occurrence-field]");
  var quote = document.querySelector("[data-quote-field]");

  function appearance(range, words) {
    // how many times the words appear in the text before the selection, plus one
    var before = document.createRange();
    before.setStart(text, 0);
    before.setEnd(range.startContainer, range.startOffset);
    var earlier = before.toString();
    var count = 1, at = earlier.indexOf(words);
    while (at !== -1) { count += 1; at = earlier.indexOf(words, at + 1); }
    return count;
  }

  function onSelection() {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) { return; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.commonAncestorContainer)) { return; }
    var words = selection.toString();
    if (!words.trim()) { return; }
    if (passage) {
      passage.value = words;
      if (occurrence) { occurrence.value = String(appearance(range, words)); }
    }
    if (quote) { quote.value = words.replace(/\s+/g, " ").trim(); }
  }

  text.addEventListener("mouseup", onSelection);
  text.addEventListener("keyup", onSelection);
  text.addEventListener("touchend", onSelection);
})();
