/**
 * Where a payment provider plugs in. Confirming a hold charges it first; if the charge fails the
 * hold stays as it is and the buyer can try again before it expires. Until a provider is added,
 * confirming is free.
 */
export interface PaymentProvider {
  readonly name: string;
  charge(input: { holdId: string; userId: string; amountKrw: number }): Promise<{ reference: string | null }>;
}

export const freeCheckout: PaymentProvider = {
  name: 'free',
  async charge() {
    return { reference: null };
  },
};
