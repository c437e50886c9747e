/* Numbers in the charts as the pages and the briefs write them: Spanish as written in Mexico
   (es-MX) and English as in the United States (en-US), both 0.52, 11,873 and 1,234.57
   (vinculo.web.formatting holds the rule).

   vinculoNumbers.format(value, digits) writes `digits` decimals with the thousands grouped,
   rounded as the templates' {{ value|floatformat:"2g" }} rounds: half away from zero, on the
   number as written in the shortest form (0.125 -> 0.13), and never "-0.00". Without
   `digits` it writes the value as it is, up to three decimals (an axis tick: 0.01, 2,000).
   The language is the page's (<html lang>) unless given. Loaded by base.html before any
   chart script; also a CommonJS module, which the tests run in Node. */
(function (root) {
  "use strict";

  var LOCALES = { es: "es-MX", en: "en-US" };
  var kept = {};

  function locale(language) {
    var page = root.document && root.document.documentElement.lang;
    var code = String(language || page || "es").slice(0, 2).toLowerCase();
    return LOCALES[code] || LOCALES.es;
  }

  function formatter(tag, digits) {
    var key = tag + "/" + digits;
    if (!kept[key]) {
      var options = digits === undefined
        ? { maximumFractionDigits: 3, useGrouping: true }
        : { minimumFractionDigits: digits, maximumFractionDigits: digits, useGrouping: true };
      try {
        options.signDisplay = "negative";  // 0.00, not -0.00, for -0.001 (Intl 2023)
        kept[key] = new Intl.NumberFormat(tag, options);
      } catch (error) {  // an older browser: its own sign for a negative zero
        delete options.signDisplay;
        kept[key] = new Intl.NumberFormat(tag, options);
      }
    }
    return kept[key];
  }

  function format(value, digits, language) {
    if (value === null || value === undefined || value === "") { return ""; }
    var x = Number(value);
    if (!isFinite(x)) { return ""; }
    // A string is read by Intl (2023) as the exact decimal it writes: the rounding is decided
    // on the digits a person reads, as Python's Decimal does on the server.
    return formatter(locale(language), digits).format(String(x));
  }

  root.vinculoNumbers = { format: format, locale: locale };
  if (typeof module === "object" && module.exports) { module.exports = root.vinculoNumbers; }
}(typeof window !== "undefined" ? window : globalThis));
