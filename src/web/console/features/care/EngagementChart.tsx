import { LineChart } from 'echarts/charts';
import { use, type EChartsCoreOption } from 'echarts/core';
import { useMemo } from 'react';
import { useI18n } from '../../i18n.tsx';
import type { EngagementMonth } from '../../types.ts';
import Chart from '../../components/Chart.tsx';

// the shared chart registers bars and pies; talks and shares are lines on their own axis
use([LineChart]);

/**
 * A member's last months at a glance: pushes delivered and read, sessions invited to and attended or
 * made up, and heart-to-heart talks. Loaded lazily with ECharts.
 */
export default function EngagementChart({ months, height = 300 }: { months: EngagementMonth[]; height?: number }) {
  const { t } = useI18n();
  const option = useMemo<EChartsCoreOption>(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 8, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: months.map((m) => t('engagement.month', { m: Number(m.month.slice(5, 7)) })) },
      yAxis: [
        { type: 'value', minInterval: 1, name: t('engagement.axisCount') },
        { type: 'value', minInterval: 1, name: t('engagement.axisTalks'), splitLine: { show: false } },
      ],
      series: [
        { name: t('engagement.pushesDelivered'), type: 'bar', data: months.map((m) => m.pushesDelivered), itemStyle: { color: '#d9d9d9' } },
        { name: t('engagement.pushesRead'), type: 'bar', data: months.map((m) => m.pushesRead), itemStyle: { color: '#52c41a' } },
        { name: t('engagement.sessionsInvited'), type: 'bar', data: months.map((m) => m.sessionsInvited), itemStyle: { color: '#bae0ff' } },
        { name: t('engagement.sessionsAttended'), type: 'bar', stack: 'attended', data: months.map((m) => m.sessionsAttended), itemStyle: { color: '#1677ff' } },
        { name: t('engagement.sessionsMadeUp'), type: 'bar', stack: 'attended', data: months.map((m) => m.sessionsMadeUp), itemStyle: { color: '#13c2c2' } },
        { name: t('engagement.talks'), type: 'line', yAxisIndex: 1, data: months.map((m) => m.talks), itemStyle: { color: '#c41d1d' }, symbolSize: 8 },
        { name: t('engagement.shares'), type: 'line', yAxisIndex: 1, data: months.map((m) => m.shares), itemStyle: { color: '#7cb305' }, symbolSize: 8 },
      ],
    }),
    [months, t],
  );
  return <Chart option={option} height={height} ariaLabel={t('engagement.chartTitle')} />;
}
