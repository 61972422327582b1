/* "Download PNG" under a chart: the chart's SVG (drawn by the server) painted
   on a canvas at twice its size and saved as a PNG file. No library. */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-satudata-png]") : null;
    if (!button) { return; }
    var figure = button.closest("[data-satudata-chart]");
    var svg = figure && figure.querySelector("svg");
    if (!svg) { return; }
    var box = svg.viewBox.baseVal;
    var scale = 2;
    var clone = svg.cloneNode(true);
    clone.setAttribute("width", box.width);
    clone.setAttribute("height", box.height);
    var data = new XMLSerializer().serializeToString(clone);
    var image = new Image();
    image.onload = function () {
      var canvas = document.createElement("canvas");
      canvas.width = box.width * scale;
      canvas.height = box.height * scale;
      var context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      canvas.toBlob(function (blob) {
        var link = document.createElement("a");
        link.href = URL.createObjectURL(blob);
        link.download = button.getAttribute("data-satudata-png");
        document.body.appendChild(link);
        link.click();
        setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 1000);
      }, "image/png");
    };
    image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data);
  });
})();
