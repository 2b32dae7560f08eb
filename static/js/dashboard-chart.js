// The coordinators' dashboard: each month-by-month table drawn as a chart. Values
// hidden for privacy ("< 5") are gaps; the table under each chart shows them.
document.addEventListener("DOMContentLoaded", () => {
  const source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") return;
  const charts = JSON.parse(source.textContent);
  const colours = ["#1f5f5b", "#c2571a", "#5a4fcf", "#8a6d1d"];
  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const data = charts[canvas.dataset.chart];
    if (!data) return;
    new Chart(canvas, {
      type: data.type,
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
});
