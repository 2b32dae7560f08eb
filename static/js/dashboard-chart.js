// The coordinators' dashboard: the month-by-month table drawn as a chart. Values
// hidden for privacy ("< 5") are gaps in the lines; the table beside shows them.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("trend-data");
  const canvas = document.getElementById("trend-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = ["#1f5f5b", "#c2571a", "#5a4fcf"];
  new Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: data.series.map((series, index) => ({
        label: series.label,
        data: series.data.map((value) => (typeof value === "number" ? value : null)),
        borderColor: colours[index % colours.length],
        backgroundColor: colours[index % colours.length],
        spanGaps: false,
      })),
    },
    options: {
      responsive: true,
      animation: false,
      maintainAspectRatio: false,
      scales: { y: { beginAtZero: true } },
      plugins: {
        tooltip: {
          callbacks: {
            label: (item) => {
              const raw = data.series[item.datasetIndex].data[item.dataIndex];
              return `${item.dataset.label}: ${raw === null ? "—" : raw}`;
            },
          },
        },
      },
    },
  });
});
