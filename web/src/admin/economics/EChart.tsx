import { useEffect, useRef } from 'react';
import { yuan } from '../../money.js';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';

// Only what these screens draw, so the chunk stays a fraction of the full ECharts build.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

export type ChartOption = echarts.EChartsCoreOption;

export const CHART_COLORS = ['#5b8ff9', '#e4393c', '#2e7d32', '#b26a00'];

/** One ECharts instance bound to a div; follows the container's size and is disposed with the component. */
export function EChart({ option, height = 300, testId, label }: { option: ChartOption; height?: number; testId?: string; label?: string }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    const node = el.current;
    if (!node) return;
    const c = echarts.init(node, null, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(node);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    // notMerge: a changed range or language replaces the series instead of leaving stale ones behind.
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={el} className="chart" style={{ height }} data-testid={testId} role="img" aria-label={label} />;
}

/** Axis labels in yuan without decimals: charts show the shape, tables the exact fen. */
export const yuanAxis = (fen: number) => yuan(fen, { whole: true, grouped: true });
