import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
} from 'chart.js';
import { useEffect, useMemo, useRef } from 'react';
import type { Sales } from '../../api.ts';
import { shortDateTime } from '../../format.ts';
import { useI18n } from '../../i18n.tsx';

// The organiser's charts, drawn by Chart.js. This file is loaded on demand (React.lazy in Sales.tsx),
// so only the sales page downloads the library. The numbers stay in the tables below the charts.

// Only the pieces these two charts use are registered, so the bundle leaves the rest of Chart.js out.
Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  CategoryScale,
  LinearScale,
  Tooltip,
  Legend,
);

/** Colours that stay apart for the common kinds of colour blindness (Okabe–Ito), then repeat. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
const RUNNING = '#1f2937';
/** MM/DD of a YYYY-MM-DD wall-clock date. */
const dayLabel = (day: string) => day.slice(5).replace('-', '/');

type Config = ChartConfiguration<'bar' | 'line', number[], string>;

/** One canvas whose Chart lives as long as the component; a new config redraws it. */
function ChartCanvas({ config, label, testId }: { config: Config; label: string; testId: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const chart = new Chart(canvas.current, config);
    return () => chart.destroy();
  }, [config]);
  return (
    <div className="chart-box">
      <canvas ref={canvas} role="img" aria-label={label} data-testid={testId} />
    </div>
  );
}

function options(yLeft: string, yRight: string): Config['options'] {
  return {
    responsive: true,
    maintainAspectRatio: false,
    animation: false,
    interaction: { mode: 'index', intersect: false },
    plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    scales: {
      x: { stacked: true, ticks: { maxRotation: 0, autoSkipPadding: 12 } },
      y: {
        stacked: true,
        beginAtZero: true,
        ticks: { precision: 0 },
        title: { display: true, text: yLeft },
      },
      running: {
        position: 'right',
        beginAtZero: true,
        ticks: { precision: 0 },
        grid: { drawOnChartArea: false },
        title: { display: true, text: yRight },
      },
    },
  };
}

export default function SalesCharts({ sales }: { sales: Sales }) {
  const { t, lang } = useI18n();
  const tz = sales.timezone;
  const { sales: perDay, checkins } = sales.series;
  const manyShowtimes = new Set(perDay.ticketTypes.map((x) => x.startsAt)).size > 1;

  const salesConfig = useMemo(
    (): Config => ({
      type: 'bar',
      data: {
        labels: perDay.days.map(dayLabel),
        datasets: [
          ...perDay.ticketTypes
            .filter((x) => x.perDay.some((n) => n !== 0))
            .map((x, i) => ({
              type: 'bar' as const,
              label: manyShowtimes ? `${x.name} · ${shortDateTime(x.startsAt, tz, lang)}` : x.name,
              data: x.perDay,
              backgroundColor: PALETTE[i % PALETTE.length],
              stack: 'sold',
              yAxisID: 'y',
            })),
          {
            type: 'line' as const,
            label: t('sales.chartRunning'),
            data: perDay.cumulative,
            borderColor: RUNNING,
            backgroundColor: RUNNING,
            pointRadius: perDay.days.length > 31 ? 0 : 3,
            yAxisID: 'running',
          },
        ],
      },
      options: options(t('sales.chartPerDay'), t('sales.chartRunning')),
    }),
    [perDay, manyShowtimes, tz, lang, t],
  );

  const checkinConfig = useMemo(
    (): Config => ({
      type: 'bar',
      data: {
        labels: checkins.hours.map((h) => `${dayLabel(h.slice(0, 10))} ${h.slice(11)}:00`),
        datasets: [
          {
            type: 'bar' as const,
            label: t('sales.chartCheckinsPerHour'),
            data: checkins.perHour,
            backgroundColor: PALETTE[2],
            yAxisID: 'y',
          },
          {
            type: 'line' as const,
            label: t('sales.chartRunning'),
            data: checkins.cumulative,
            borderColor: RUNNING,
            backgroundColor: RUNNING,
            pointRadius: 3,
            yAxisID: 'running',
          },
        ],
      },
      options: options(t('sales.chartCheckinsPerHour'), t('sales.chartRunning')),
    }),
    [checkins, t],
  );

  const total = perDay.cumulative[perDay.cumulative.length - 1] ?? 0;
  const checkedIn = checkins.cumulative[checkins.cumulative.length - 1] ?? 0;
  return (
    <div className="charts">
      <figure className="chart">
        <figcaption>{t('sales.chartSales', { tz })}</figcaption>
        {perDay.days.length === 0 ? (
          <p className="empty">{t('sales.noSales')}</p>
        ) : (
          <ChartCanvas
            config={salesConfig}
            testId="sales-chart"
            label={t('sales.chartSalesLabel', { days: perDay.days.length, total })}
          />
        )}
      </figure>
      <figure className="chart">
        <figcaption>{t('sales.chartCheckins', { tz })}</figcaption>
        {checkins.hours.length === 0 ? (
          <p className="empty">{t('sales.noCheckins')}</p>
        ) : (
          <ChartCanvas
            config={checkinConfig}
            testId="checkin-chart"
            label={t('sales.chartCheckinsLabel', { hours: checkins.hours.length, total: checkedIn })}
          />
        )}
      </figure>
    </div>
  );
}
