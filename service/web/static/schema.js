// Swagger UI at /schema, started from this file rather than from an inline script, so that the
// page keeps to the service's Content-Security-Policy (service/http/security_headers.py).
(function () {
  "use strict";
  var container = document.getElementById("swagger-container");
  window.ui = SwaggerUIBundle({
    url: container.dataset.spec,
    dom_id: "#swagger-container",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  });
})();
