/* What core templates did with inline event handlers (onclick=, onchange=,
 * hx-on), which the portal's Content-Security-Policy does not run: the
 * templates are rendered without them (security.with_nonces) and these
 * listeners do the same. */
(function () {
  'use strict';
  function byId(id) { return document.getElementById(id); }
  function check(id) { var box = byId(id); if (box) { box.checked = true; } }
  function revokeButtonState() {
    var button = byId('revoke-tokens-button');
    if (button) { button.disabled = !document.querySelector('[name=token]:checked'); }
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest ? event.target.closest('button, a, input') : null;
    if (!target) { return; }
    // Resource form (package/snippets/resource_upload_field.html).
    if (target.id === 'resource-upload-button') {
      check('resource-url-upload');
      var file = byId('field-resource-upload');
      if (file) { file.click(); }
    } else if (target.id === 'resource-link-button') {
      check('resource-url-link');
      var url = byId('field-resource-url');
      if (url) { url.focus(); }
    } else if (target.classList.contains('btn-remove-url') && target.closest('.resource-upload-field')) {
      var part = target.closest('.upload-type, .select-type');
      if (part && part.querySelector('input[readonly]') && byId('field-clear-upload')) {
        // "Clear Upload" of a file already stored.
        check('field-clear-upload');
        var upload = byId('field-resource-upload');
        if (upload) { upload.focus(); }
        return;
      }
      check('resource-url-none');
      var first = byId('resource-upload-button') || byId('resource-link-button');
      if (first) { first.focus(); }
      if (part && part.querySelector('#field-resource-upload')) {
        var input = byId('field-resource-upload');
        input.value = '';
      } else if (part && part.querySelector('#field-resource-url')) {
        byId('field-resource-url').value = '';
      }
    } else if (target.classList.contains('satudata-multiple-add')) {
      // Rujukan "Add" (scheming/form_snippets/satudata_rujukan.html): a new empty box.
      var list = document.querySelector('fieldset[name="' + target.dataset.field + '"] ol');
      if (list && list.lastElementChild) {
        var copy = list.lastElementChild.cloneNode(true);
        copy.querySelectorAll('.error-block').forEach(function (e) { e.remove(); });
        var box = copy.querySelector('input');
        box.value = '';
        box.setAttribute('aria-label', box.getAttribute('aria-label').replace(/\d+$/, list.children.length + 1));
        list.appendChild(copy);
        box.focus();
      }
    } else if (target.getAttribute('name') === 'multiple-remove') {
      // Scheming's handler removes the box (or empties the last one); never follow the link.
      event.preventDefault();
    } else if (target.id === 'refit-button' && typeof window.fitColText === 'function') {
      // DataTables preview (datatables/datatables_view.html).
      window.fitColText();
    } else if (target.id === 'field-show_fields_1') {
      // DataTables view form: the _id column is always shown.
      event.preventDefault();
    }
  });

  // API tokens (user/snippets/api_token_list.html): revoke only what is ticked.
  document.addEventListener('change', function (event) {
    if (event.target.name === 'token') { revokeButtonState(); }
  });
  document.addEventListener('htmx:afterRequest', function (event) {
    if (event.target && event.target.querySelector && event.target.querySelector('#revoke-tokens-button')) {
      var button = byId('revoke-tokens-button');
      if (button) { button.disabled = true; }
    }
  });
}());
