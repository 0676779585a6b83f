import type { Words } from '../../i18n.tsx';

/** The payment pages' words: the result page after the gateway, and the admins' payments page. */
const ko = {
  'pay.result.title': '결제 결과',
  'pay.result.paid': '결제가 완료되었습니다.',
  'pay.result.paidNote': '{product} · {amount}',
  'pay.result.failed': '결제가 실패했습니다.',
  'pay.result.failedNote':
    '카드사나 결제 서비스가 결제를 승인하지 않았습니다. 다시 시도하거나 다른 결제 수단을 쓰세요.',
  'pay.result.cancelled': '결제가 취소되었습니다.',
  'pay.result.cancelledNote': '결제 창에서 나왔거나 주문이 취소되었습니다. 돈은 나가지 않았습니다.',
  'pay.result.refunded': '환불된 결제입니다.',
  'pay.result.refundedNote': '{amount} 환불됨',
  'pay.result.pending': '결제를 확인하고 있습니다…',
  'pay.result.pendingNote': '결제 서비스의 확인을 기다립니다. 이 화면은 자동으로 새로 고쳐집니다.',
  'pay.result.stillPending':
    '아직 확인되지 않았습니다. 잠시 뒤 새로 고치거나, 돈이 나갔다면 관리자에게 문의하세요.',
  'pay.result.problem': '결제 서비스가 보낸 결과를 확인하지 못해 반영하지 않았습니다 ({reason}).',
  'pay.result.unknown': '주문을 찾을 수 없습니다.',
  'pay.result.order': '주문 번호',
  'pay.result.back': '처음으로 돌아가기',
  'pay.state.created': '결제 대기',
  'pay.state.paid': '결제 완료',
  'pay.state.failed': '실패',
  'pay.state.cancelled': '취소',
  'pay.state.refunded': '환불',
  'pay.admin.title': '결제',
  'pay.admin.subtitle':
    '결제 주문을 상태·사용자·용도로 찾고, 결제 전 주문은 취소하고 결제된 주문은 전액 또는 일부 환불합니다.',
  'pay.admin.state': '상태',
  'pay.admin.any': '전체',
  'pay.admin.user': '사용자 (이메일)',
  'pay.admin.purpose': '용도',
  'pay.admin.search': '찾기',
  'pay.admin.empty': '맞는 주문이 없습니다.',
  'pay.admin.when': '만든 때',
  'pay.admin.product': '상품',
  'pay.admin.amount': '금액',
  'pay.admin.refunded': '환불 {amount}',
  'pay.admin.more': '이전 주문 더 보기',
  'pay.admin.cancel': '주문 취소',
  'pay.admin.cancelAsk': '{product} ({amount}) 주문을 취소할까요? 아직 결제되지 않은 주문입니다.',
  'pay.admin.refund': '환불',
  'pay.admin.refundAmount': '환불 금액 (비우면 남은 전액)',
  'pay.admin.refundAsk':
    '{who}에게 {amount}을(를) 환불할까요? 결제 서비스에서 바로 취소되며 되돌릴 수 없습니다.',
  'pay.admin.done': '처리했습니다.',
} as const;

export type PaymentsKey = keyof typeof ko;

const en: Record<PaymentsKey, string> = {
  'pay.result.title': 'Payment result',
  'pay.result.paid': 'Payment complete.',
  'pay.result.paidNote': '{product} · {amount}',
  'pay.result.failed': 'The payment failed.',
  'pay.result.failedNote':
    'The card company or the payment service did not approve it. Try again or use another method.',
  'pay.result.cancelled': 'The payment was cancelled.',
  'pay.result.cancelledNote': 'You left the payment page or the order was cancelled. No money was taken.',
  'pay.result.refunded': 'This payment was refunded.',
  'pay.result.refundedNote': '{amount} refunded',
  'pay.result.pending': 'Checking your payment…',
  'pay.result.pendingNote': 'Waiting for the payment service to confirm. This page refreshes by itself.',
  'pay.result.stillPending':
    'Not confirmed yet. Refresh in a moment, or contact an admin if money was taken.',
  'pay.result.problem':
    'The result the payment service sent could not be verified, so it was not applied ({reason}).',
  'pay.result.unknown': 'Order not found.',
  'pay.result.order': 'Order number',
  'pay.result.back': 'Back to the start',
  'pay.state.created': 'awaiting payment',
  'pay.state.paid': 'paid',
  'pay.state.failed': 'failed',
  'pay.state.cancelled': 'cancelled',
  'pay.state.refunded': 'refunded',
  'pay.admin.title': 'Payments',
  'pay.admin.subtitle':
    'Find payment orders by state, user and purpose; cancel unpaid orders, refund paid ones in full or in part.',
  'pay.admin.state': 'State',
  'pay.admin.any': 'Any',
  'pay.admin.user': 'User (e-mail)',
  'pay.admin.purpose': 'Purpose',
  'pay.admin.search': 'Search',
  'pay.admin.empty': 'No orders match.',
  'pay.admin.when': 'Created',
  'pay.admin.product': 'Product',
  'pay.admin.amount': 'Amount',
  'pay.admin.refunded': '{amount} refunded',
  'pay.admin.more': 'Show older orders',
  'pay.admin.cancel': 'Cancel order',
  'pay.admin.cancelAsk': 'Cancel the order {product} ({amount})? It has not been paid.',
  'pay.admin.refund': 'Refund',
  'pay.admin.refundAmount': 'Amount to refund (empty: all that is left)',
  'pay.admin.refundAsk':
    'Refund {amount} to {who}? The payment service cancels it at once; this cannot be undone.',
  'pay.admin.done': 'Done.',
};

export const paymentsWords: Words<PaymentsKey> = { ko, en };

declare module '../../i18n.tsx' {
  interface ModuleKeys {
    payments: PaymentsKey;
  }
}
