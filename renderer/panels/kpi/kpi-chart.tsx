/**
 * The KPI groups as an ECharts bar chart: closure rate and satisfaction (percent, left axis) and reported tickets
 * (right axis) per county, channel or category. Tree-shaken imports only; the chart is disposed on unmount and
 * follows the panel's size.
 */
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use as registerCharts, type EChartsType } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

registerCharts([BarChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);

export interface KpiChartGroup {
  name: string;
  closureRate: number | null;
  satisfaction: number | null;
  reported: number;
}

export interface KpiChartProps {
  groups: KpiChartGroup[];
  labels: { closure: string; satisfaction: string; reported: string };
}

const percent = (share: number | null): number | null => (share === null ? null : Math.round(share * 1000) / 10);

export function KpiChart({ groups, labels }: KpiChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType>(null);

  useEffect(() => {
    if (!container.current) return;
    const instance = init(container.current, undefined, { renderer: 'canvas' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(container.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        backgroundColor: 'transparent',
        textStyle: { color: '#d8e6f5', fontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" },
        tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
        legend: { top: 0, textStyle: { color: '#d8e6f5' } },
        grid: { left: 44, right: 56, top: 30, bottom: 8, containLabel: true },
        xAxis: {
          type: 'category',
          data: groups.map((group) => group.name),
          axisLabel: { color: '#8aa3bf', interval: 0, rotate: groups.length > 8 ? 35 : 0, fontSize: 11 },
          axisLine: { lineStyle: { color: '#1f3450' } },
        },
        yAxis: [
          {
            type: 'value',
            min: 0,
            max: 100,
            axisLabel: { color: '#8aa3bf', formatter: '{value}%' },
            splitLine: { lineStyle: { color: '#1f3450' } },
          },
          {
            type: 'value',
            min: 0,
            axisLabel: { color: '#8aa3bf' },
            splitLine: { show: false },
          },
        ],
        series: [
          {
            name: labels.closure,
            type: 'bar',
            yAxisIndex: 0,
            itemStyle: { color: '#00d4ff' },
            data: groups.map((group) => percent(group.closureRate)),
          },
          {
            name: labels.satisfaction,
            type: 'bar',
            yAxisIndex: 0,
            itemStyle: { color: '#3ecf8e' },
            data: groups.map((group) => percent(group.satisfaction)),
          },
          {
            name: labels.reported,
            type: 'bar',
            yAxisIndex: 1,
            itemStyle: { color: 'rgba(245, 185, 66, 0.7)' },
            data: groups.map((group) => group.reported),
          },
        ],
      },
      { notMerge: true },
    );
  }, [groups, labels]);

  return <div className="kpi-chart" ref={container} data-testid="kpi-chart" />;
}
