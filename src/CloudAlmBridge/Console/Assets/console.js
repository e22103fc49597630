// The console's only script, served from the bridge (no inline script: the content security policy forbids it).
// Everything works without it; it adds "select all" for dead letters, the sample picker and validation as you type.
(function () {
  'use strict';

  function csrf() {
    var field = document.querySelector('meta[name="csrf-field"]');
    var token = document.querySelector('meta[name="csrf-token"]');
    return { field: field ? field.content : '', token: token ? token.content : '' };
  }

  function selectAll() {
    var all = document.getElementById('select-all');
    if (!all) { return; }
    all.addEventListener('change', function () {
      document.querySelectorAll('input.select').forEach(function (box) { box.checked = all.checked; });
    });
  }

  function samples() {
    var picker = document.getElementById('sample');
    var message = document.getElementById('message');
    if (!picker || !message) { return; }
    picker.addEventListener('change', function () {
      var option = picker.options[picker.selectedIndex];
      var json = option.getAttribute('data-message');
      message.value = json || '';
      if (!json) { message.focus(); }
    });
  }

  function render(errors, answer) {
    errors.textContent = '';
    if (answer.valid) {
      var ok = document.createElement('p');
      ok.className = 'valid';
      ok.textContent = 'Valid: operations for ' + answer.operations.join(', ') + '.';
      errors.appendChild(ok);
      return;
    }
    var list = document.createElement('ul');
    list.className = 'errors';
    answer.errors.forEach(function (error) {
      var item = document.createElement('li');
      var path = document.createElement('code');
      path.className = 'path';
      path.textContent = error.path || '(document)';
      item.appendChild(path);
      item.appendChild(document.createTextNode(' ' + error.message + (error.hint ? '; ' + error.hint : '')));
      list.appendChild(item);
    });
    errors.appendChild(list);
  }

  function validation() {
    var editor = document.getElementById('mapping');
    var errors = document.getElementById('mapping-errors');
    if (!editor || !errors) { return; }
    var timer = null;
    var sent = 0;
    editor.addEventListener('input', function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var token = csrf();
        var body = new URLSearchParams();
        body.append('mapping', editor.value);
        body.append(token.field, token.token);
        var mine = ++sent;
        fetch('/console/playground/validate', {
          method: 'POST',
          body: body,
          credentials: 'same-origin',
          headers: { 'X-Requested-With': 'XMLHttpRequest' }
        }).then(function (response) {
          if (!response.ok) { throw new Error('the console answered ' + response.status + ' (reload the page to sign in again)'); }
          return response.json();
        }).then(function (answer) {
          if (mine === sent) { render(errors, answer); }
        }).catch(function (failure) {
          errors.textContent = 'Could not validate: ' + failure.message;
        });
      }, 250);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    selectAll();
    samples();
    validation();
  });
})();
