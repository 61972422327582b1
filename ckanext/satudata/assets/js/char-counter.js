/* Live character counter for the Deskripsi field: the guide suggests ~140 characters. */
this.ckan.module("satudata-char-counter", function ($) {
  return {
    options: { limit: 140 },
    initialize: function () {
      var el = this.el;
      var limit = parseInt(this.options.limit, 10) || 140;
      var counter = document.getElementById(el.attr("aria-describedby"));
      if (!counter) { return; }
      var normal = counter.getAttribute("data-template");
      var over = counter.getAttribute("data-template-over");
      var update = function () {
        var count = (el.val() || "").length;
        var text = (count > limit ? over : normal);
        counter.textContent = text.replace("{count}", count).replace("{limit}", limit);
        counter.classList.toggle("satudata-counter-over", count > limit);
      };
      el.on("input keyup change", update);
      update();
    }
  };
});
