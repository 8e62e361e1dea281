// Field reports: the "use my location" button of the public form, and on a staff report
// page, the fields that go with the chosen step. Everything works without this file.
(function () {
  "use strict";

  function onReady(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  function locate() {
    var button = document.getElementById("fb-locate");
    if (!button || !navigator.geolocation) return;
    var status = document.getElementById("fb-locate-status");
    var lang = document.documentElement.lang;
    button.hidden = false;
    button.addEventListener("click", function () {
      status.textContent = lang === "en" ? "Finding your position…" : "Đang lấy vị trí…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("lat").value = pos.coords.latitude.toFixed(6);
        document.getElementById("long").value = pos.coords.longitude.toFixed(6);
        status.textContent = (lang === "en" ? "Position found, within " : "Đã lấy vị trí, sai số khoảng ") +
          Math.round(pos.coords.accuracy) + " m";
      }, function () {
        status.textContent = lang === "en" ? "The position could not be found; choose the commune instead."
          : "Không lấy được vị trí; hãy chọn xã, phường.";
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  function stepFields() {
    var select = document.getElementById("step-action");
    if (!select) return;
    var show = function () {
      document.querySelectorAll(".step-form [data-for]").forEach(function (el) {
        var wanted = el.getAttribute("data-for").split(" ");
        el.classList.toggle("shown", wanted.indexOf(select.value) >= 0);
      });
    };
    select.addEventListener("change", show);
    show();
  }

  onReady(function () { locate(); stepFields(); });
})();
