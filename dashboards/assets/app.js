/* global document */
// thongke: the little client script of every page (no library, nothing fetched).
// - Tables with data-sortable: click a header to sort (numbers by their data-value; x last).
// - <input data-filter="ID"> filters the rows of table#ID by text; <select data-filter="ID"
//   data-column="N"> keeps the rows whose column N equals the choice. Counts rows shown in
//   [data-count="ID"].
// - <select data-switch="G"> shows the [data-switch-group="G"] block whose data-switch-value is
//   the choice and hides the others (e.g. the geography of the trend pages).
(function () {
  'use strict';
  var fold = function (s) { return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase(); };

  function sortable(table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      th.setAttribute('data-sort', '');
      th.tabIndex = 0;
      var go = function () {
        var asc = th.getAttribute('aria-sort') !== 'ascending';
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var key = function (tr) {
          var td = tr.cells[col];
          if (!td) return '';
          if (td.hasAttribute('data-value')) { var v = td.getAttribute('data-value'); return v === '' ? null : Number(v); }
          return fold(td.textContent);
        };
        rows.sort(function (a, b) {
          var x = key(a), y = key(b);
          if (x === null) return 1;
          if (y === null) return -1;
          var c = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y), 'vi');
          return asc ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      };
      th.addEventListener('click', go);
      th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
    });
  }

  function applyFilters(id) {
    var table = document.getElementById(id);
    if (!table) return;
    var controls = document.querySelectorAll('[data-filter="' + id + '"]');
    var shown = 0;
    Array.prototype.forEach.call(table.tBodies[0].rows, function (tr) {
      var ok = Array.prototype.every.call(controls, function (c) {
        if (!c.value) return true;
        if (c.tagName === 'SELECT') { var td = tr.cells[Number(c.getAttribute('data-column'))]; return !!td && td.textContent === c.value; }
        return fold(tr.textContent).indexOf(fold(c.value.trim())) >= 0;
      });
      tr.hidden = !ok;
      if (ok) shown++;
    });
    var out = document.querySelector('[data-count="' + id + '"]');
    if (out) out.textContent = shown.toLocaleString('vi-VN');
  }

  function applySwitch(select) {
    var group = select.getAttribute('data-switch');
    Array.prototype.forEach.call(document.querySelectorAll('[data-switch-group="' + group + '"]'), function (el) {
      el.hidden = el.getAttribute('data-switch-value') !== select.value;
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    Array.prototype.forEach.call(document.querySelectorAll('table[data-sortable]'), sortable);
    Array.prototype.forEach.call(document.querySelectorAll('select[data-switch]'), function (s) {
      s.addEventListener('change', function () { applySwitch(s); });
      applySwitch(s); // a choice the browser restored on reload
    });
    Array.prototype.forEach.call(document.querySelectorAll('[data-filter]'), function (c) {
      var id = c.getAttribute('data-filter');
      c.addEventListener(c.tagName === 'SELECT' ? 'change' : 'input', function () { applyFilters(id); });
    });
  });
})();
