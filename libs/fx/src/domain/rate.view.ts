/** A pair's current rate as the API shows it: `rate` is an exact decimal string. */
export interface RateView {
  from: string;
  to: string;
  rate: string;
  updatedAt: string;
}
