/* The DataTables preview of a table (core's datatables_view): the cells of
   number columns are right-aligned after every draw. The numbers themselves
   arrive written the page's way (125.430 / 2.608,9) from the server
   (views/dataapi.py). gdataDict is core's list of the table's columns. */
/* global jQuery gdataDict */
(function ($) {
  'use strict'
  if (typeof gdataDict === 'undefined') {
    return
  }
  var NUMBER = ['int2', 'int4', 'int8', 'int', 'numeric', 'float4', 'float8']
  var numberColumns = []
  gdataDict.forEach(function (column, index) {
    if (NUMBER.indexOf(column.type) !== -1) {
      numberColumns.push(index + 1) // column 0 is _id
    }
  })
  $(document).on('draw.dt', function (event, settings) {
    var api = new $.fn.dataTable.Api(settings)
    numberColumns.forEach(function (index) {
      $(api.column(index).nodes()).addClass('dt-body-right satudata-number')
      $(api.column(index).header()).addClass('dt-head-right')
    })
  })
})(jQuery)
