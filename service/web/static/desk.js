// The desk's fact forms (templates/_fact_form.html): rows of a list added and removed, and a
// reference's suggestions kept to the kind of entity its row names. Loaded as a file: the
// Content-Security-Policy allows no inline script or handler. Without it the forms still
// work: each list shows empty rows to fill, and a row left empty is no item.
(function () {
  "use strict";

  var NEW = "__new__";

  function fieldsIn(root) {
    return root.querySelectorAll("input, select, textarea");
  }

  function say(list, words) {
    var status = list.querySelector(":scope > [data-list-status]");
    if (status) status.textContent = words;
  }

  // A copied row's names, ids and the attributes that point at them: "attendees.__new__.id"
  // becomes "attendees.3.id" (only this list's own placeholder: a list inside the row keeps
  // its own for its own template).
  function number(root, base, index) {
    var from = base + "." + NEW;
    var to = base + "." + index;
    var attributes = ["name", "id", "for", "aria-describedby", "data-list", "data-kind-from", "data-row"];
    root.querySelectorAll("*").forEach(function (element) {
      attributes.forEach(function (attribute) {
        var value = element.getAttribute(attribute);
        if (value !== null && value.indexOf(from) >= 0) {
          element.setAttribute(attribute, value.split(from).join(to));
        }
      });
      if (element.tagName === "TEMPLATE") number(element.content, base, index);
    });
  }

  function nextIndex(rows) {
    var highest = -1;
    rows.querySelectorAll(":scope > [data-row]").forEach(function (row) {
      var n = parseInt(row.getAttribute("data-row"), 10);
      if (!isNaN(n) && n > highest) highest = n;
    });
    return highest + 1;
  }

  function add(list) {
    var template = list.querySelector(":scope > template[data-row-template]");
    var rows = list.querySelector(":scope > .rows");
    if (!template || !rows) return;
    var index = nextIndex(rows);
    var copy = template.content.cloneNode(true);
    var row = copy.querySelector("[data-row]");
    row.setAttribute("data-row", String(index));
    number(copy, list.getAttribute("data-list"), index);
    copy.querySelectorAll("[data-add], [data-remove]").forEach(function (button) {
      button.hidden = false;
    });
    rows.appendChild(copy);
    follow(rows.lastElementChild);
    var first = fieldsIn(rows.lastElementChild)[0];
    if (first) first.focus();
    say(list, "행을 추가했습니다. Row added.");
  }

  function remove(row) {
    var list = row.closest("[data-list]");
    var next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    var target = next ? fieldsIn(next)[0] : list.querySelector(":scope > [data-add]");
    if (target) target.focus();
    say(list, "행을 삭제했습니다. Row removed.");
  }

  // A reference whose row names its kind (an attendee's, a speaker's) suggests entities of
  // that kind; with a kind that is no entity (a group speaker), it takes no id.
  function follow(root) {
    root.querySelectorAll("[data-kind-from]").forEach(function (input) {
      var select = input.form
        ? input.form.elements.namedItem(input.getAttribute("data-kind-from"))
        : document.getElementsByName(input.getAttribute("data-kind-from"))[0];
      if (!select || !select.value) return;
      var kinds = (input.getAttribute("data-kinds") || "").split(" ");
      var named = kinds.indexOf(select.value) >= 0;
      input.disabled = !named;
      if (named && document.getElementById("refs-" + select.value)) {
        input.setAttribute("list", "refs-" + select.value);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-add], [data-remove]");
    if (!button) return;
    if (button.hasAttribute("data-add")) add(button.closest("[data-list]"));
    else remove(button.closest("[data-row]"));
  });

  document.addEventListener("change", function (event) {
    if (event.target.tagName === "SELECT") follow(event.target.closest("[data-row], fieldset") || document);
  });

  document.querySelectorAll("[data-add], [data-remove]").forEach(function (button) {
    // Only the live form's buttons: a template's copy shows its own when it is added.
    button.hidden = false;
  });
  follow(document);
})();
