/* 运城市救助认定 — conveniences for the web pages (templates/web/).
 *
 * Every page works without this script; it only saves a round trip or a click:
 *
 *  - household forms (_household.html): "增加一…" adds a blank row in place from the section's
 *    <template data-row-template>, numbered like the rows the server renders
 *    ({section}-{row}-{column}, legend number row + 1), and raises the {section}-count field,
 *    instead of submitting the form to get one row more;
 *  - the member pickers (select[data-member-select]) follow the member rows and the names typed
 *    in them (data-member-name), as assistance.web.household.member_choices labels them;
 *  - choosing the income kind "support" (赡养/扶养/抚养费) opens that row's support details;
 *  - a form with data-confirm asks before it is sent (acts that end a case);
 *  - the error summary above a refused form takes the focus, so that it is read out first.
 *
 * Plain ES2017, no libraries, nothing loaded from elsewhere; no inline styles (the pages' content
 * security policy forbids them).
 */
(function () {
  "use strict";

  var MEMBERS = "members";
  var SUPPORT_KIND = "support";

  // ---------- Member pickers ----------

  function memberRows(root) {
    var section = root.querySelector('[data-section="' + MEMBERS + '"]');
    if (!section) return null;
    var rows = [];
    section.querySelectorAll("[data-rows] > [data-row]").forEach(function (row) {
      var found = /^members-(\d+)$/.exec(row.id);
      if (!found) return;
      var index = parseInt(found[1], 10);
      var input = row.querySelector("input[data-member-name]");
      var name = input ? input.value.trim() : "";
      rows.push({
        value: "m" + (index + 1),
        label: "成员" + (index + 1) + (name ? "（" + name + "）" : ""),
      });
    });
    return rows;
  }

  function refreshPicker(select, members) {
    // The first option is the blank "请选择"; the rest are the members, in row order.
    var options = Array.prototype.slice.call(select.options);
    var blank = options.length && options[0].value === "" ? options.shift() : null;
    var current = select.value;
    var same =
      options.length === members.length &&
      options.every(function (option, i) {
        return option.value === members[i].value;
      });
    if (same) {
      options.forEach(function (option, i) {
        if (option.textContent !== members[i].label) option.textContent = members[i].label;
      });
      return;
    }
    var known = members.some(function (m) {
      return m.value === current;
    });
    options.forEach(function (option) {
      select.removeChild(option);
    });
    if (!blank) {
      blank = document.createElement("option");
      blank.value = "";
      blank.textContent = "请选择";
      select.insertBefore(blank, select.firstChild);
    }
    members.forEach(function (m) {
      var option = document.createElement("option");
      option.value = m.value;
      option.textContent = m.label;
      select.appendChild(option);
    });
    if (current && !known) {
      // A member the page no longer lists: keep the choice rather than lose it silently.
      var kept = document.createElement("option");
      kept.value = current;
      kept.textContent = current;
      select.appendChild(kept);
    }
    select.value = current;
  }

  function refreshPickers(form) {
    var members = memberRows(form);
    if (!members) return;
    form.querySelectorAll("select[data-member-select]").forEach(function (select) {
      refreshPicker(select, members);
    });
  }

  var pending = new Set();

  function schedulePickers(form) {
    if (pending.has(form)) return;
    pending.add(form);
    window.requestAnimationFrame(function () {
      pending.delete(form);
      refreshPickers(form);
    });
  }

  // ---------- Adding a row in place ----------

  function firstInput(row) {
    return row.querySelector(
      "input:not([type=hidden]):not([type=radio]):not([disabled]), select:not([disabled]), textarea:not([disabled])"
    );
  }

  function addRow(section) {
    var template = section.querySelector("template[data-row-template]");
    var rows = section.querySelector("[data-rows]");
    var count = section.querySelector("input[data-row-count]");
    if (!template || !rows || !count || !("content" in template)) return false;
    var index = parseInt(count.value, 10);
    if (!(index >= 0)) index = rows.querySelectorAll(":scope > [data-row]").length;
    var html = template.innerHTML.replace(/__i__/g, String(index)).replace(/__n__/g, String(index + 1));
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var row = holder.content.querySelector("[data-row]");
    if (!row) return false;
    // A name or id that exists already means the count and the rows disagree: let the server add it.
    if (document.getElementById(row.id)) return false;
    rows.appendChild(row);
    count.value = String(index + 1);
    return row;
  }

  function onAddRow(event) {
    if (!(event.target instanceof Element)) return;
    var button = event.target.closest("[data-add-row]");
    if (!button) return;
    var section = button.closest("[data-section]");
    if (!section) return;
    var row = addRow(section);
    if (!row) return; // Submit as without the script: the page comes back one row longer.
    event.preventDefault();
    var form = section.closest("form");
    if (form) refreshPickers(form);
    var target = firstInput(row) || row;
    target.focus();
    if (typeof row.scrollIntoView === "function") {
      row.scrollIntoView({ block: "nearest", behavior: "smooth" });
    }
  }

  // ---------- Support details ----------

  function onIncomeKind(select) {
    if (select.value !== SUPPORT_KIND) return;
    var row = select.closest("[data-row]");
    var details = row && row.querySelector("details[data-support-details]");
    if (details && !details.open) details.open = true;
  }

  // ---------- Confirmation before an ending act ----------

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) event.preventDefault();
  }

  // ---------- Wiring ----------

  function init() {
    document.addEventListener("click", onAddRow);
    document.addEventListener("input", function (event) {
      var input = event.target;
      if (input instanceof HTMLInputElement && input.hasAttribute("data-member-name") && input.form) {
        schedulePickers(input.form);
      }
    });
    document.addEventListener("change", function (event) {
      var target = event.target;
      if (target instanceof HTMLSelectElement && target.hasAttribute("data-income-kind")) onIncomeKind(target);
    });
    document.addEventListener("submit", onSubmit);

    // The pickers as the names stand now (the browser may have restored typed values on "back").
    document.querySelectorAll("form[data-household-form]").forEach(refreshPickers);

    // A refused form: its error summary is read out first, unless the address points elsewhere.
    var summary = document.querySelector(".error-summary");
    if (summary && !window.location.hash) {
      summary.focus({ preventScroll: false });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
