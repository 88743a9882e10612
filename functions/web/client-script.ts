/**
 * The page's JavaScript, served as `/app.js` from the same origin so the Content-Security-
 * Policy can say `script-src 'self'` and refuse every inline script. It is plain ES2017 with
 * no build step. Scraped text only ever reaches the page through `textContent` /
 * `createTextNode`, and only http(s) URLs become `href`s.
 *
 * Kept as a string (not a file read at run time) so esbuild bundles it into the Lambda.
 * It avoids backticks and `${` so the template literal below holds it verbatim.
 */
export const CLIENT_SCRIPT = String.raw`'use strict';
(function () {
  var FILTERS = ['kind', 'country', 'since', 'until', 'date_field', 'min_affected', 'max_affected', 'org', 'q',
    'data_type', 'min_penalty', 'currency', 'source', 'sort'];
  var SVG = 'http://www.w3.org/2000/svg';
  var numbers = new Intl.NumberFormat('en-US');
  var main = document.getElementById('main');

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (name) {
      if (attrs[name] !== null && attrs[name] !== undefined) node.setAttribute(name, String(attrs[name]));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }
  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, String(attrs[name])); });
    return node;
  }
  /** Only http(s) URLs are linked; anything else (javascript:, data:) stays plain text. */
  function safeHref(url) {
    if (typeof url !== 'string') return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
    } catch (error) {
      return null;
    }
  }
  function externalLink(url, text) {
    var href = safeHref(url);
    if (!href) return document.createTextNode(text);
    return el('a', { href: href, rel: 'noopener noreferrer nofollow', target: '_blank' }, [text]);
  }
  function eventLink(id, text) {
    return el('a', { href: '/events/' + encodeURIComponent(id) }, [text]);
  }
  function day(iso) { return iso ? String(iso).slice(0, 10) : '—'; }
  function affectedText(affected) {
    if (!affected) return '—';
    return (affected.approximate ? '≈ ' : '') + numbers.format(affected.count) + ' ' + affected.unit;
  }
  function penaltyText(penalty) {
    if (!penalty) return '—';
    return numbers.format(penalty.amount) + ' ' + penalty.currency + (penalty.status ? ' (' + penalty.status + ')' : '');
  }
  function organizationName(organization) {
    if (!organization) return '—';
    return typeof organization === 'string' ? organization : organization.name;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function showError(container, message) {
    container.appendChild(el('p', { class: 'error', role: 'alert' }, [message]));
  }
  function getJson(url) {
    return fetch(url, { headers: { accept: 'application/json' } }).then(function (response) {
      return response.json().then(function (body) {
        if (!body.ok) {
          var names = (body.errors || []).map(function (error) { return error.param + ' ' + error.message; });
          throw new Error(body.error + (names.length ? ': ' + names.join('; ') : ''));
        }
        return body;
      });
    });
  }

  /** The filter of the page URL: only known parameters, so a shared link with extras still works. */
  function currentFilter() {
    var params = new URLSearchParams(location.search);
    var filter = new URLSearchParams();
    FILTERS.forEach(function (name) {
      params.getAll(name).forEach(function (value) { if (value.trim() !== '') filter.append(name, value.trim()); });
    });
    return filter;
  }
  function without(filter, names) {
    var copy = new URLSearchParams(filter);
    names.forEach(function (name) { copy.delete(name); });
    return copy;
  }
  function withQuery(path, params) {
    var text = params.toString();
    return text ? path + '?' + text : path;
  }

  function fillForm(form, filter) {
    FILTERS.forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (field && filter.has(name)) field.value = filter.getAll(name).join(',');
    });
  }

  function renderChart(container, rows) {
    var months = rows.filter(function (row) { return row.dimension === 'month'; });
    clear(container);
    if (months.length === 0) return;
    var width = 640, height = 160, pad = 24;
    var max = Math.max.apply(null, months.map(function (row) { return row.events; }).concat([1]));
    var chart = svg('svg', { viewBox: '0 0 ' + width + ' ' + (height + pad), role: 'img', class: 'chart' });
    var label = svg('title', {});
    label.textContent = 'Events per month (first seen)';
    chart.appendChild(label);
    var slot = (width - pad) / months.length;
    months.forEach(function (row, index) {
      var barHeight = Math.round((row.events / max) * (height - 16));
      var x = pad + index * slot;
      var bar = svg('rect', { x: x + 2, y: height - barHeight, width: Math.max(1, slot - 4), height: barHeight, class: 'bar' });
      var tip = svg('title', {});
      tip.textContent = row.value + ': ' + row.events + ' events';
      bar.appendChild(tip);
      chart.appendChild(bar);
      if (row.events > 0) {
        var count = svg('text', { x: x + slot / 2, y: height - barHeight - 3, class: 'count' });
        count.textContent = String(row.events);
        chart.appendChild(count);
      }
      var every = Math.ceil(months.length / 12);
      if (index % every === 0) {
        var month = svg('text', { x: x + slot / 2, y: height + 16, class: 'month' });
        month.textContent = row.value.slice(2);
        chart.appendChild(month);
      }
    });
    chart.appendChild(svg('line', { x1: pad, y1: height, x2: width, y2: height, class: 'axis' }));
    var yLabel = svg('text', { x: 2, y: 12, class: 'month scale' });
    yLabel.textContent = String(max);
    chart.appendChild(yLabel);
    container.appendChild(el('h2', null, ['Events per month']));
    container.appendChild(chart);
  }

  var LABELS = ['First seen', 'Kind', 'Organisation', 'Event', 'Country', 'Affected', 'Penalty', 'Sources'];

  function eventRow(event) {
    var cells = [
      day(event.first_seen_at),
      el('span', { class: 'kind kind-' + event.kind }, [event.kind]),
      organizationName(event.organization),
      eventLink(event.id, event.title || '(untitled)'),
      event.country || '—',
      affectedText(event.affected),
      penaltyText(event.penalty),
      String(event.source_count),
    ];
    return el('tr', null, cells.map(function (cell, index) {
      return el('td', { 'data-label': LABELS[index] }, [cell]);
    }));
  }

  function listView() {
    var filter = currentFilter();
    var form = document.getElementById('filters');
    form.hidden = false;
    fillForm(form, filter);
    form.addEventListener('submit', function (submitEvent) {
      submitEvent.preventDefault();
      var next = new URLSearchParams();
      FILTERS.forEach(function (name) {
        var field = form.elements.namedItem(name);
        if (field && field.value.trim() !== '' && !(name === 'sort' && field.value === 'first_seen'))
          next.append(name, field.value.trim());
      });
      location.assign(withQuery('/', next));
    });
    document.getElementById('reset').addEventListener('click', function () { location.assign('/'); });

    getJson('/v1/sources').then(function (body) {
      var select = form.elements.namedItem('source');
      body.rows.forEach(function (source) {
        select.appendChild(el('option', { value: source.id }, [source.name + ' (' + source.id + ')']));
      });
      if (filter.has('source')) select.value = filter.get('source');
    }).catch(function () { /* the list works without the source names */ });

    var exportFilter = without(filter, []);
    var feedFilter = without(filter, ['sort']);
    var links = el('p', { class: 'exports' }, [
      'This search as ',
      el('a', { href: withQuery('/v1/events.csv', new URLSearchParams(exportFilter + '&download=1')), id: 'csv-link' }, ['CSV']),
      ' · ',
      el('a', { href: withQuery('/v1/events.ndjson', exportFilter), id: 'ndjson-link' }, ['NDJSON']),
      ' · ',
      el('a', { href: withQuery('/v1/events.atom', feedFilter), id: 'atom-link' }, ['Atom feed']),
      ' · ',
      el('a', { href: withQuery('/v1/events', filter) }, ['JSON']),
    ]);
    var chart = el('section', { id: 'chart', 'aria-label': 'Events per month' });
    var status = el('p', { class: 'status', role: 'status' }, ['Loading…']);
    var body = el('tbody', { id: 'rows' });
    var table = el('table', { class: 'events' }, [
      el('thead', null, [el('tr', null, LABELS.map(function (label) { return el('th', { scope: 'col' }, [label]); }))]),
      body,
    ]);
    var more = el('button', { type: 'button', id: 'more', hidden: 'hidden' }, ['More']);
    main.appendChild(links);
    main.appendChild(chart);
    main.appendChild(status);
    main.appendChild(table);
    main.appendChild(more);

    var statsFilter = without(filter, ['sort', 'date_field']);
    if (filter.get('date_field') === 'disclosed') { statsFilter.delete('since'); statsFilter.delete('until'); }
    getJson(withQuery('/v1/stats', statsFilter)).then(function (stats) { renderChart(chart, stats.rows); })
      .catch(function (error) { showError(chart, 'Chart: ' + error.message); });

    var shown = 0;
    function load(url) {
      more.hidden = true;
      getJson(url).then(function (page) {
        page.rows.forEach(function (event) { body.appendChild(eventRow(event)); });
        shown += page.rows.length;
        status.textContent = shown === 0 && !page.next ? 'No events match this filter.' : shown + ' events shown';
        if (page.next) {
          var nextPage = new URLSearchParams(filter);
          nextPage.set('cursor', page.next);
          more.hidden = false;
          more.onclick = function () { load(withQuery('/v1/events', nextPage)); };
        }
      }).catch(function (error) {
        status.textContent = '';
        showError(status, error.message);
      });
    }
    load(withQuery('/v1/events', filter));
  }

  function definition(list, term, value) {
    list.appendChild(el('dt', null, [term]));
    list.appendChild(el('dd', null, [value]));
  }

  function eventView(id) {
    document.getElementById('filters').hidden = true;
    var status = el('p', { class: 'status', role: 'status' }, ['Loading…']);
    main.appendChild(el('p', null, [el('a', { href: '/' }, ['← All events'])]));
    main.appendChild(status);
    getJson('/v1/events/' + encodeURIComponent(id)).then(function (body) {
      var event = body.rows[0];
      status.remove();
      document.title = event.title + ' — breachwire';
      var article = el('article', { class: 'event' });
      article.appendChild(el('h1', { id: 'event-title' }, [event.title]));
      var facts = el('dl', { class: 'facts' });
      definition(facts, 'Kind', event.kind);
      definition(facts, 'Organisation', organizationName(event.organization));
      if (event.organization && event.organization.aliases.length)
        definition(facts, 'Also known as', event.organization.aliases.join(', '));
      definition(facts, 'Country', event.country || '—');
      definition(facts, 'Affected', affectedText(event.affected));
      definition(facts, 'Penalty', penaltyText(event.penalty) + (event.penalty && event.penalty.authority ? ' — ' + event.penalty.authority : ''));
      definition(facts, 'Data types', event.data_types.length ? event.data_types.join(', ') : '—');
      definition(facts, 'Disclosed', day(event.dates.disclosed));
      definition(facts, 'First seen', day(event.first_seen_at));
      definition(facts, 'Updated', day(event.updated_at));
      article.appendChild(facts);

      article.appendChild(el('h2', null, ['Sources (' + event.documents.length + ')']));
      var sources = el('ol', { class: 'documents', id: 'documents' });
      event.documents.forEach(function (document_) {
        sources.appendChild(el('li', null, [
          externalLink(document_.url, document_.title || document_.url || document_.id),
          el('span', { class: 'meta' }, [
            ' — ' + document_.source + ', published ' + day(document_.published_at) + ', first seen ' + day(document_.first_seen_at),
          ]),
        ]));
      });
      article.appendChild(sources);

      article.appendChild(el('h2', null, ['Affected-count history']));
      if (event.affected_history.length === 0) article.appendChild(el('p', null, ['No count stated yet.']));
      else {
        var history = el('table', { class: 'history' }, [
          el('thead', null, [el('tr', null, ['Stated', 'Count', 'Source'].map(function (label) { return el('th', { scope: 'col' }, [label]); }))]),
        ]);
        var rows = el('tbody');
        event.affected_history.forEach(function (observation) {
          rows.appendChild(el('tr', null, [
            el('td', { 'data-label': 'Stated' }, [day(observation.stated_at)]),
            el('td', { 'data-label': 'Count' }, [affectedText(observation)]),
            el('td', { 'data-label': 'Source' }, [observation.source]),
          ]));
        });
        history.appendChild(rows);
        article.appendChild(history);
      }

      article.appendChild(el('h2', null, ['Linked events']));
      if (event.related_events.length === 0) article.appendChild(el('p', null, ['None yet.']));
      else {
        var related = el('ul', { class: 'related', id: 'related' });
        event.related_events.forEach(function (other) {
          related.appendChild(el('li', null, [
            el('span', { class: 'kind kind-' + other.kind }, [other.kind]), ' ',
            eventLink(other.id, other.title || other.id),
            el('span', { class: 'meta' }, [' — ' + day(other.first_seen_at) + (other.penalty ? ', ' + penaltyText(other.penalty) : '') + (other.reason ? ' (' + other.reason + ')' : '')]),
          ]));
        });
        article.appendChild(related);
      }
      article.appendChild(el('p', { class: 'exports' }, [el('a', { href: '/v1/events/' + encodeURIComponent(event.id) }, ['JSON'])]));
      main.appendChild(article);
    }).catch(function (error) {
      status.textContent = '';
      showError(status, error.message);
    });
  }

  var match = /^\/events\/([A-Za-z0-9_-]{1,100})$/.exec(location.pathname);
  if (match) eventView(match[1]);
  else listView();
})();
`;
