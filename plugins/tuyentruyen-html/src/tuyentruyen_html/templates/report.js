/* tuyentruyen html export: the filter and the task table (rendered from the JSON
   blob, only the rows in view). Plain DOM, no library, no network. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("tt-data").textContent);
  var tasks = data.tasks;
  var n = tasks.length;
  // Fields of a task in the blob.
  var ID = 0, TITLE = 1, LEAD = 2, SUPPORT = 3, OTHER = 4, WINDOW = 5, STATE = 6, CLS = 7, DUE = 8;
  var unitIndex = {};
  data.units.forEach(function (u, i) { unitIndex[u[0]] = i; });
  var bars = document.querySelectorAll("#tt-gantt .bar");
  var chunks = document.querySelectorAll("#tt-gantt .gc");
  var unitSel = document.getElementById("tt-unit");
  var stateSel = document.getElementById("tt-state");
  var counter = document.getElementById("tt-count");
  var wrap = document.getElementById("tt-tablewrap");
  var tbody = document.getElementById("tt-rows");
  var rowHeight = 28;
  var measured = false;
  var printing = false;
  var shown = [];
  var visible = new Uint8Array(n);
  for (var i = 0; i < n; i++) { shown.push(i); visible[i] = 1; }

  function countText(k) {
    return (k === 1 ? data.count.one : data.count.other).replace("{n}", String(k));
  }

  function unitName(i) { return data.units[i][1]; }

  function supportText(t) {
    return t[SUPPORT].map(unitName).concat(t[OTHER]).join("; ");
  }

  function cell(tr, text) {
    var td = document.createElement("td");
    td.textContent = text;
    td.title = text;
    tr.appendChild(td);
    return td;
  }

  function row(t) {
    var tr = document.createElement("tr");
    tr.className = "r";
    tr.setAttribute("data-task", t[ID]);
    tr.setAttribute("data-unit", data.units[t[LEAD]][0]);
    tr.setAttribute("data-state", t[STATE]);
    tr.setAttribute("data-class", t[CLS]);
    cell(tr, t[ID]);
    cell(tr, t[TITLE]);
    cell(tr, unitName(t[LEAD]));
    cell(tr, supportText(t));
    var win = cell(tr, t[WINDOW]);
    if (t[DUE]) { win.title = t[WINDOW] + "\n" + data.due + ": " + t[DUE]; }
    cell(tr, data.states[t[STATE]] || t[STATE]);
    var cls = cell(tr, "");
    var chip = document.createElement("span");
    chip.className = "chip c-" + t[CLS];
    cls.appendChild(chip);
    cls.appendChild(document.createTextNode(data.classes[t[CLS]] || t[CLS]));
    cls.title = data.classes[t[CLS]] || t[CLS];
    return tr;
  }

  function spacer(height) {
    var tr = document.createElement("tr");
    tr.className = "sp";
    var td = document.createElement("td");
    td.colSpan = 7;
    td.style.height = height + "px";
    tr.appendChild(td);
    return tr;
  }

  function render() {
    var total = shown.length;
    var first = 0, last = total;
    if (!printing) {
      var view = wrap.clientHeight || 600;
      first = Math.max(0, Math.floor(wrap.scrollTop / rowHeight) - 20);
      last = Math.min(total, first + Math.ceil(view / rowHeight) + 40);
    }
    var frag = document.createDocumentFragment();
    if (first > 0) { frag.appendChild(spacer(first * rowHeight)); }
    for (var k = first; k < last; k++) { frag.appendChild(row(tasks[shown[k]])); }
    if (last < total) { frag.appendChild(spacer((total - last) * rowHeight)); }
    tbody.replaceChildren(frag);
    if (!measured) {
      var sample = tbody.querySelector("tr.r");
      if (sample) {
        var h = sample.getBoundingClientRect().height;
        measured = true;
        if (h > 0 && Math.abs(h - rowHeight) > 0.5) { rowHeight = h; render(); }
      }
    }
  }

  function apply() {
    var unit = unitSel.value;
    var ui = unit ? unitIndex[unit] : -1;
    if (ui === undefined) { ui = -2; }
    var what = stateSel.value;
    var sep = what.indexOf(":");
    var kind = sep < 0 ? "" : what.slice(0, sep);
    var value = sep < 0 ? "" : what.slice(sep + 1);
    shown = [];
    for (var i = 0; i < n; i++) {
      var t = tasks[i];
      var ok = ui === -1 || t[LEAD] === ui || t[SUPPORT].indexOf(ui) >= 0;
      if (ok && kind === "state") { ok = t[STATE] === value; }
      else if (ok && kind === "class") { ok = t[CLS] === value; }
      if (ok) { shown.push(i); }
      var v = ok ? 1 : 0;
      if (visible[i] !== v) {
        visible[i] = v;
        if (bars[i]) { bars[i].parentNode.hidden = !ok; }
      }
    }
    // A block of Gantt rows off screen is not laid out: give it the height of the
    // rows it still shows (every row is rowH high), or hide it when it shows none.
    for (var c = 0; c < chunks.length; c++) {
      var lo = c * data.chunk, hi = Math.min(n, lo + data.chunk), k = 0;
      for (var j = lo; j < hi; j++) { k += visible[j]; }
      chunks[c].hidden = k === 0;
      chunks[c].style.containIntrinsicBlockSize = (k * data.rowH) + "px";
    }
    counter.textContent = countText(shown.length);
    counter.setAttribute("data-count", String(shown.length));
    wrap.scrollTop = 0;
    render();
  }

  var pending = false;
  wrap.addEventListener("scroll", function () {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; render(); });
  }, { passive: true });
  window.addEventListener("resize", render);
  unitSel.addEventListener("change", apply);
  stateSel.addEventListener("change", apply);
  window.addEventListener("beforeprint", function () {
    if (data.printAll) { printing = true; render(); }
  });
  window.addEventListener("afterprint", function () {
    if (printing) { printing = false; render(); }
  });

  // A bar's tooltip is made when the pointer first reaches it (not 100,000 in the file).
  var byId = null;
  var gantt = document.getElementById("tt-gantt");
  if (gantt) {
    gantt.addEventListener("mouseover", function (ev) {
      var bar = ev.target;
      if (!bar.classList || !bar.classList.contains("bar") || bar.title) { return; }
      if (byId === null) {
        byId = new Map();
        for (var i = 0; i < n; i++) { byId.set(tasks[i][ID], i); }
      }
      var t = tasks[byId.get(bar.getAttribute("data-task"))];
      if (!t) { return; }
      var lines = [t[ID] + " — " + t[TITLE], t[WINDOW]];
      if (t[DUE]) { lines.push(data.due + ": " + t[DUE]); }
      lines.push((data.states[t[STATE]] || t[STATE]) + " · " + (data.classes[t[CLS]] || t[CLS]));
      bar.title = lines.join("\n");
    });
  }

  render();
  document.documentElement.setAttribute("data-ready", "1");
})();
