export function QuantityStepper({ value, min, max, onChange, testId = 'qty' }: { value: number; min: number; max: number; onChange: (q: number) => void; testId?: string }) {
  const clamp = (q: number) => Math.max(min, Math.min(max, Number.isFinite(q) ? Math.trunc(q) : min));
  return (
    <span className="stepper">
      <button type="button" aria-label="−" disabled={value <= min} onClick={() => onChange(clamp(value - 1))} data-testid={`${testId}-minus`}>−</button>
      <input
        type="number"
        inputMode="numeric"
        min={min}
        max={max}
        value={value}
        onChange={(e) => onChange(clamp(Number(e.target.value)))}
        data-testid={`${testId}-input`}
      />
      <button type="button" aria-label="+" disabled={value >= max} onClick={() => onChange(clamp(value + 1))} data-testid={`${testId}-plus`}>+</button>
    </span>
  );
}
