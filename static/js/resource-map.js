/* The resource map's directory page: the List / Map toggle on a phone, "use my
   position" (opt-in, on a button), and the Leaflet map of the results.

   The list is the page: everything here is an addition. Without JavaScript, without
   Leaflet or without map tiles, the list still shows every result. Data comes from
   data-* attributes and the map's JSON endpoint (the CSP allows no inline script). */
(function () {
  "use strict";

  const root = document.getElementById("directory");
  if (!root) {
    return;
  }
  const mapElement = document.getElementById("resource-map");
  const wide = window.matchMedia("(min-width: 992px)");
  const VIEW_KEY = "nucleo.directory.view";
  let map = null;

  // --- The map --------------------------------------------------------------------------

  function show(selector) {
    const element = root.querySelector(selector);
    if (element) {
      element.hidden = false;
    }
  }

  function popupContent(marker) {
    const box = document.createElement("div");
    box.className = "map-popup";
    const link = document.createElement("a");
    link.href = marker.url;
    link.className = "fw-semibold";
    link.textContent = marker.name;
    box.appendChild(link);
    const lines = [marker.organization, marker.address];
    lines.forEach(function (text) {
      if (text) {
        const line = document.createElement("div");
        line.className = "small";
        line.textContent = text;
        box.appendChild(line);
      }
    });
    if (marker.open_now) {
      const badge = document.createElement("span");
      badge.className = "badge text-bg-success mt-1";
      badge.textContent = mapElement.dataset.labelOpen;
      box.appendChild(badge);
    }
    return box;
  }

  function initMap() {
    if (map || !mapElement) {
      return;
    }
    if (!window.L || !window.L.markerClusterGroup) {
      show("[data-map-error]");
      return;
    }
    const L = window.L;
    const center = mapElement.dataset.center.split(",").map(Number);
    map = L.map(mapElement, { scrollWheelZoom: false }).setView(center, 11);
    mapElement.setAttribute("aria-label", mapElement.dataset.labelMap);

    // Tiles come from elsewhere and may not load (no connection, a blocked server): the
    // markers stay, on a plain background, and a short note says why it is blank.
    const tiles = L.tileLayer(mapElement.dataset.tileUrl, {
      attribution: mapElement.dataset.attribution,
      maxZoom: 19,
    });
    let tileErrorShown = false;
    tiles.on("tileerror", function () {
      if (!tileErrorShown) {
        tileErrorShown = true;
        mapElement.classList.add("tiles-failed");
        show("[data-tile-note]");
      }
    });
    tiles.addTo(map);

    const cluster = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 50 });
    fetch(mapElement.dataset.markersUrl, {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("map data: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        data.markers.forEach(function (item) {
          const marker = L.marker([item.lat, item.lon], { title: item.name, alt: item.name });
          marker.bindPopup(function () {
            return popupContent(item);
          });
          cluster.addLayer(marker);
        });
        map.addLayer(cluster);
        mapElement.dataset.markers = String(data.markers.length);
        if (data.markers.length) {
          map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 15, animate: false });
        }
      })
      .catch(function () {
        show("[data-map-error]");
      });
  }

  // --- List / Map on a phone ---------------------------------------------------------------

  const toggle = root.querySelector("[data-view-toggle]");

  function setView(view) {
    root.dataset.view = view;
    toggle.querySelectorAll("[data-show]").forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.show === view));
    });
    try {
      window.sessionStorage.setItem(VIEW_KEY, view);
    } catch (error) {
      // Private browsing may refuse storage: the toggle still works on this page.
    }
    if (view === "map") {
      initMap();
      if (map) {
        map.invalidateSize();
      }
    }
  }

  if (toggle) {
    toggle.hidden = false;
    toggle.querySelectorAll("[data-show]").forEach(function (button) {
      button.addEventListener("click", function () {
        setView(button.dataset.show);
      });
    });
    let saved = null;
    try {
      saved = window.sessionStorage.getItem(VIEW_KEY);
    } catch (error) {
      saved = null;
    }
    if (saved === "map" && !wide.matches) {
      setView("map");
    }
  }

  // On a wide screen list and map sit side by side: the map loads at once. On a phone it
  // loads when asked for, sparing a cheap data plan the tiles.
  function onWidth() {
    if (wide.matches) {
      initMap();
      if (map) {
        map.invalidateSize();
      }
    }
  }
  onWidth();
  wide.addEventListener("change", onWidth);

  // --- My position (only when the person asks) -----------------------------------------------

  const form = document.getElementById("directory-filters");
  const geoButton = form && form.querySelector("[data-geolocate]");
  const geoStatus = form && form.querySelector("[data-geolocate-status]");
  if (geoButton && "geolocation" in navigator) {
    geoButton.hidden = false;
    geoButton.addEventListener("click", function () {
      geoStatus.textContent = geoButton.dataset.labelSearching;
      geoButton.disabled = true;
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // Three decimals (about 100 m) are enough to sort by distance.
          form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(3);
          form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(3);
          const near = form.querySelector("[name=near]");
          if (near) {
            near.value = "";
          }
          form.submit();
        },
        function () {
          geoStatus.textContent = geoButton.dataset.labelFailed;
          geoButton.disabled = false;
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }
})();
