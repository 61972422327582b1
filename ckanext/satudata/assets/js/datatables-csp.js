/* Core's datatablesview.js calls setTimeout(initFilterObserver(), 100) when a
   non-English language file has loaded: the function runs at once and
   setTimeout receives its result, undefined, which a browser would evaluate as
   a string of script. The portal's script policy refuses that (and reports a
   violation); on the preview page a timer without a function is dropped. */
(function () {
  'use strict'
  var original = window.setTimeout
  window.setTimeout = function (callback) {
    if (typeof callback !== 'function') {
      return 0
    }
    return original.apply(window, arguments)
  }
}());
