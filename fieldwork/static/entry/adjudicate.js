/* Adjudication: typing a value chooses "from the paper". */
document.querySelectorAll('input[name^="value_"]').forEach(function (box) {
  box.addEventListener('input', function () {  // typing a value chooses "from the paper"
    var other = box.closest('label').querySelector('input[type=radio]');
    if (other) { other.checked = true; }
  });
});
