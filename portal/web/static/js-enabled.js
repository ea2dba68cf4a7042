// Marks the page as JavaScript-enabled before first paint, as GOV.UK Frontend expects (kept out of the HTML for CSP).
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");
