/* The search-as-you-type picker (vinculo.web.pickers.PickerWidget): a WAI-ARIA 1.2 combobox
   with a listbox popup. The form's own field (input, textarea or select) is hidden and keeps
   the real value (ids or codes); a visible input searches /search/<source>/?q= by name.
   Keys: ArrowDown/ArrowUp move through the options, Enter chooses, Escape closes (or clears).
   Without this script the field stays as written by the server and takes the id or code. */
(function () {
  "use strict";

  var DELAY = 200;
  var counter = 0;

  function splitValues(text) {
    return text.split(/[\s,;]+/).filter(function (token) { return token !== ""; });
  }

  function init(root) {
    var field = root.querySelector("input, textarea, select");
    if (!field || root.dataset.pickerReady) { return; }
    root.dataset.pickerReady = "true";
    var url = root.dataset.pickerUrl;
    var multiple = root.dataset.pickerMultiple === "true";
    var isSelect = field.tagName === "SELECT";
    var labels = {};
    try { labels = JSON.parse(root.dataset.pickerLabels || "{}"); } catch (e) { labels = {}; }
    if (isSelect) {
      Array.prototype.forEach.call(field.options, function (option) {
        if (option.value !== "") { labels[option.value] = option.text; }
      });
    }

    counter += 1;
    var id = field.id || "picker-" + counter;
    var listId = id + "-listbox";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;
    input.className = "picker-input";
    input.autocomplete = "off";
    input.spellcheck = false;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    ["aria-invalid", "aria-required"].forEach(function (name) {
      if (field.hasAttribute(name)) { input.setAttribute(name, field.getAttribute(name)); }
    });
    field.id = id + "-value";
    field.hidden = true;
    field.tabIndex = -1;
    field.setAttribute("aria-hidden", "true");
    field.required = false; // hidden: the server checks it, the browser could not show why

    var hint = document.createElement("span");
    hint.id = id + "-hint";
    hint.className = "visually-hidden";
    hint.textContent = root.dataset.pickerHint || "";
    var described = (field.getAttribute("aria-describedby") || "").trim();
    input.setAttribute("aria-describedby", (described ? described + " " : "") + hint.id);

    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var label = document.querySelector('label[for="' + id + '"]');
    if (label) {
      if (!label.id) { label.id = id + "-label"; }
      list.setAttribute("aria-labelledby", label.id);
    }

    var status = document.createElement("div");
    status.className = "picker-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    var chosen = null;
    if (multiple) {
      chosen = document.createElement("ul");
      chosen.className = "picker-chosen";
      root.appendChild(chosen);
    }
    root.appendChild(input);
    root.appendChild(hint);
    root.appendChild(list);
    root.appendChild(status);

    var results = [];
    var active = -1;
    var timer = null;
    var sequence = 0;
    var picked = false; // single picker: the input shows a chosen value's label

    function values() { return splitValues(field.value); }

    function setField(text) {
      field.value = text;
      field.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function renderChosen() {
      if (!multiple) { return; }
      chosen.textContent = "";
      values().forEach(function (value) {
        var item = document.createElement("li");
        var name = document.createElement("span");
        name.textContent = labels[value] || value;
        var remove = document.createElement("button");
        remove.type = "button";
        remove.className = "picker-remove";
        remove.textContent = "×";
        remove.setAttribute("aria-label", (root.dataset.pickerRemove || "Remove") + ": " + name.textContent);
        remove.addEventListener("click", function () {
          setField(values().filter(function (v) { return v !== value; }).join("\n"));
          renderChosen();
          input.focus();
        });
        item.appendChild(name);
        item.appendChild(document.createTextNode(" "));
        item.appendChild(remove);
        chosen.appendChild(item);
      });
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var options = list.querySelectorAll('[role="option"]');
      active = index;
      Array.prototype.forEach.call(options, function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
      });
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(index) {
      var result = results[index];
      if (!result) { return; }
      labels[result.value] = result.label;
      if (multiple) {
        var current = values();
        if (current.indexOf(result.value) < 0) { current.push(result.value); }
        setField(current.join("\n"));
        renderChosen();
        input.value = "";
      } else {
        setField(result.value);
        input.value = result.label;
        picked = true;
      }
      status.textContent = "";
      close();
    }

    function show(found) {
      results = found;
      list.textContent = "";
      found.forEach(function (result, i) {
        var option = document.createElement("li");
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var name = document.createElement("span");
        name.className = "picker-label";
        name.textContent = result.label;
        option.appendChild(name);
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "picker-detail";
          detail.textContent = result.detail;
          option.appendChild(document.createTextNode(" "));
          option.appendChild(detail);
        }
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { choose(i); });
        list.appendChild(option);
      });
      if (found.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        status.textContent = "";
        highlight(-1);
      } else {
        close();
        status.textContent = root.dataset.pickerNone || "";
      }
    }

    function query() {
      var text = input.value.trim();
      sequence += 1;
      var mine = sequence;
      if (!text) { show([]); status.textContent = ""; return; }
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      }).then(function (response) {
        return response.ok ? response.json() : { results: [] };
      }).then(function (data) {
        if (mine === sequence && document.activeElement === input) { show(data.results || []); }
      }).catch(function () {
        if (mine === sequence) { show([]); }
      });
    }

    input.addEventListener("input", function () {
      if (!multiple) {
        picked = false;
        // typed, not chosen: the server checks what was typed (a select: nothing chosen)
        setField(isSelect ? "" : input.value.trim());
      }
      clearTimeout(timer);
      timer = setTimeout(query, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!open) {
          if (results.length) { list.hidden = false; input.setAttribute("aria-expanded", "true"); highlight(0); } else { query(); }
          return;
        }
        highlight(active + 1 >= results.length ? 0 : active + 1);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (open) { highlight(active <= 0 ? results.length - 1 : active - 1); }
      } else if (event.key === "Enter") {
        if (open && active >= 0) {
          event.preventDefault();
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (open) {
          event.preventDefault();
          close();
        } else if (input.value) {
          event.preventDefault();
          input.value = "";
          if (!multiple) { setField(""); }
        }
      } else if (event.key === "Backspace" && multiple && input.value === "") {
        var current = values();
        if (current.length) {
          current.pop();
          setField(current.join("\n"));
          renderChosen();
        }
      }
    });

    input.addEventListener("blur", function () { close(); });

    // typed but not chosen (several values): sent as typed, so that the form names it
    var form = field.form;
    if (form && multiple) {
      form.addEventListener("submit", function () {
        var typed = input.value.trim();
        if (typed) {
          setField(values().concat([typed]).join("\n"));
          input.value = "";
        }
      });
    }

    if (multiple) {
      renderChosen();
    } else if (field.value) {
      input.value = labels[field.value] || field.value;
      picked = true;
    }
    if (label) { label.setAttribute("for", id); }
    return picked;
  }

  function initAll(scope) {
    Array.prototype.forEach.call((scope || document).querySelectorAll(".picker"), init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { initAll(document); });
  } else {
    initAll(document);
  }
  // HTMX swaps in new markup: enhance the pickers it brings
  document.addEventListener("htmx:afterSwap", function (event) { initAll(event.target); });
}());
