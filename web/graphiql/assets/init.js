// Starts GraphiQL with the page's configuration (a JSON script element, so the page needs no
// inline script). Headers typed in the headers editor (Authorization: Bearer ...) go with every
// request and are not kept in the browser's storage.
(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  var fetcher = GraphiQL.createFetcher({ url: new URL(config.endpoint, location.href).toString() });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: config.defaultQuery,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
    })
  );
})();
