/* Counts the visit of this page and each click on a file link for the usage
 * statistics (services/usage.py): one POST to /_tracking, no cookie, no personal
 * data. Links with the class resource-url-analytics are file links (core marks
 * its download buttons so). */
(function () {
  "use strict";
  var meta = function (name) {
    var element = document.head.querySelector("meta[name=" + name + "]");
    return element ? element.content : "";
  };
  var endpoint = (meta("site-root") || "/") + "_tracking";
  var send = function (type, url) {
    var body = new URLSearchParams({url: url, type: type});
    if (navigator.sendBeacon && navigator.sendBeacon(endpoint, body)) { return; }
    fetch(endpoint, {method: "POST", body: body, keepalive: true, credentials: "same-origin"}).catch(function () {});
  };
  send("page", location.pathname.replace(/\/+$/, "") || "/");
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.resource-url-analytics");
    if (link) { send("resource", link.getAttribute("href")); }
  });
}());
