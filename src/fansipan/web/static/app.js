// Fansipan dashboard: charts, drill-down, keyboard helpers and live refresh.
// No inline scripts anywhere (the Content-Security-Policy forbids them); data comes
// from <script type="application/json"> blocks that are never executed.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function drawCharts() {
    if (!window.Plotly) return;
    document.querySelectorAll("[data-figure]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-figure"));
      if (!source) return;
      var fig = JSON.parse(source.textContent);
      var config = { displayModeBar: false, responsive: true, scrollZoom: false };
      var draw = function () {
        return window.Plotly.newPlot(el, fig.data, fig.layout, config).then(function () {
          // MapLibre names its canvas "Map" in English whatever the page's language; the
          // figure's own label already says, in the page's language, what the map shows.
          el.querySelectorAll("[aria-label='Map']").forEach(function (c) {
            c.setAttribute("aria-label", el.getAttribute("aria-label") || "");
          });
          el.setAttribute("data-ready", "1");
          el.on("plotly_click", function (ev) {
            var p = ev && ev.points && ev.points[0];
            if (p && typeof p.customdata === "string") window.location.href = p.customdata;
          });
        });
      };
      var geo = el.getAttribute("data-geojson");
      if (geo) {
        fetch(geo).then(function (r) { return r.json(); }).then(function (g) {
          fig.data.forEach(function (t) { t.geojson = g; });
          return draw();
        });
      } else {
        draw();
      }
    });
  }

  // Choosing a year or a period shows it at once.
  function autoSubmit() {
    document.querySelectorAll("select.autosubmit").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
  }

  // In the entry grid, Enter moves to the next field instead of sending the form,
  // and a number out of the indicator's range is pointed out before saving (the
  // server checks again with the same rules).
  function entryGrid() {
    var form = document.getElementById("entry-form");
    if (!form) return;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[name^='v:'], input[name^='c:']"));
    inputs.forEach(function (input, i) {
      input.addEventListener("keydown", function (e) {
        if (e.key === "Enter" && !e.ctrlKey) {
          e.preventDefault();
          var next = inputs[i + 1];
          if (next) next.focus(); else form.querySelector("button[type=submit]").focus();
        }
      });
      if (input.name.indexOf("v:") === 0) input.addEventListener("blur", function () { check(input); });
    });
  }

  function parseNumber(text) {
    var s = text.replace(/\s/g, "");
    if (s === "") return null;
    if (/^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/.test(s)) s = s.replace(/\./g, "").replace(",", ".");
    else if (/^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/.test(s)) s = s.replace(/,/g, "");
    else s = s.replace(",", ".");
    var n = Number(s);
    return isFinite(n) ? n : NaN;
  }

  function check(input) {
    var n = parseNumber(input.value);
    // The words come with the form, from the page's catalogue.
    var words = input.form ? input.form.dataset : {};
    var msg = "";
    var lo = input.getAttribute("data-min"), hi = input.getAttribute("data-max");
    if (Number.isNaN(n)) msg = words.notNumber || "";
    else if (n !== null && lo !== null && n < Number(lo)) msg = (words.below || "").replace("{least}", lo);
    else if (n !== null && hi !== null && n > Number(hi)) msg = (words.above || "").replace("{most}", hi);
    var id = "hint-" + input.id;
    var hint = document.getElementById(id);
    if (msg) {
      if (!hint) {
        hint = document.createElement("span");
        hint.id = id; hint.className = "field-error"; hint.setAttribute("role", "status");
        input.parentNode.appendChild(hint);
      }
      hint.textContent = msg;
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", id);
    } else if (hint) {
      hint.remove();
      input.removeAttribute("aria-invalid");
    }
  }

  // Pages that show figures reload themselves when new data lands (wall screen, overview).
  function live() {
    if (!document.body.hasAttribute("data-live")) return;
    var seen = null;
    var every = document.body.classList.contains("wall") ? 10000 : 30000;
    setInterval(function () {
      fetch("/live", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (d) {
        if (seen !== null && d.last_change !== seen) window.location.reload();
        seen = d.last_change;
      }).catch(function () { /* the next tick tries again */ });
    }, every);
  }

  // The wall's slides turn by themselves; the dots below say which one is showing.
  function rotate() {
    var box = document.querySelector("[data-rotate]");
    if (!box) return;
    var slides = box.querySelectorAll(".slide");
    clock();
    if (!slides.length) return;
    var dots = document.getElementById("slide-dots");
    var marks = [];
    slides.forEach(function (slide, n) {
      if (!dots) return;
      var li = document.createElement("li");
      var h = slide.querySelector("h2");
      li.textContent = String(n + 1);
      li.title = h ? h.textContent : "";
      dots.appendChild(li);
      marks.push(li);
    });
    var i = 0;
    var show = function (next) {
      slides[i].classList.remove("current");
      if (marks[i]) marks[i].removeAttribute("aria-current");
      i = next;
      slides[i].classList.add("current");
      if (marks[i]) marks[i].setAttribute("aria-current", "step");
      // A chart drawn while its slide was hidden has no size: fit it now.
      if (window.Plotly) slides[i].querySelectorAll("[data-ready]").forEach(function (el) {
        window.Plotly.Plots.resize(el);
      });
      fit(slides[i]);
    };
    show(0);
    window.addEventListener("resize", function () { fit(slides[i]); });
    var seconds = Number(box.getAttribute("data-rotate")) || 20;
    if (slides.length < 2) return;
    var timer = 0;
    var turn = function () {
      window.clearInterval(timer);
      timer = window.setInterval(function () { show((i + 1) % slides.length); }, seconds * 1000);
    };
    turn();
    // Whoever presents from the room's laptop moves on with the arrow keys or a dot, and
    // the slide then stays its full time before the wall turns again.
    var go = function (next) { show((next + slides.length) % slides.length); turn(); };
    marks.forEach(function (li, n) {
      li.addEventListener("click", function () { go(n); });
    });
    document.addEventListener("keydown", function (e) {
      if (e.key === "ArrowRight" || e.key === "PageDown") go(i + 1);
      else if (e.key === "ArrowLeft" || e.key === "PageUp") go(i - 1);
    });
  }

  // A list on the wall shows the rows its panel has room for, and the line under it says
  // how many more there are: the wall never scrolls, and no row goes unmentioned. The line
  // is shown while measuring, so that the rows leave room for it.
  function fit(slide) {
    var number = new Intl.NumberFormat(document.documentElement.lang || "vi");
    slide.querySelectorAll("[data-fit]").forEach(function (list) {
      var more = document.getElementById(list.getAttribute("data-fit"));
      var rows = Array.prototype.slice.call(list.children);
      var before = more ? Number(more.getAttribute("data-more")) || 0 : 0;
      var say = function (n) {
        if (!more) return;
        var words = (more.getAttribute("data-words") || "").replace("{n}", number.format(n));
        (more.querySelector("a") || more).textContent = words;
        more.hidden = n === 0;
      };
      rows.forEach(function (row) { row.classList.remove("cut"); });
      say(before + rows.length);
      var bottom = list.getBoundingClientRect().bottom + 1;
      var cut = 0;
      rows.forEach(function (row) {
        if (cut || row.getBoundingClientRect().bottom > bottom) {
          row.classList.add("cut");
          cut += 1;
        }
      });
      say(before + cut);
    });
  }

  // The wall's clock tells Vietnam time whatever zone the screen's computer is set to.
  function clock() {
    var el = document.getElementById("wall-clock");
    if (!el) return;
    var out = el.querySelector("time");
    var zone = el.getAttribute("data-zone") || "Asia/Ho_Chi_Minh";
    var parts = function (d) {
      var f = new Intl.DateTimeFormat("en-GB", {
        timeZone: zone, hour: "2-digit", minute: "2-digit", day: "2-digit",
        month: "2-digit", year: "numeric", hourCycle: "h23" });
      var o = {};
      f.formatToParts(d).forEach(function (p) { o[p.type] = p.value; });
      return o;
    };
    var tick = function () {
      var p = parts(new Date());
      out.textContent = p.hour + ":" + p.minute + " " + p.day + "/" + p.month + "/" + p.year;
      out.setAttribute("datetime", p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute + "+07:00");
    };
    tick();
    setInterval(tick, 10000);
  }

  onReady(function () {
    autoSubmit();
    entryGrid();
    live();
    rotate();
    drawCharts();
  });
})();
