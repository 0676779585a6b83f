/** The stand-in's test accounts, picked on its authorize page. */

export type SimProvider = 'kakao' | 'naver' | 'apple';

export type SimAccount = {
  /** Kakao: a number (as text here); Naver: response.id; Apple: sub */
  id: string;
  label: string;
  name: string;
  email?: string;
  emailVerified: boolean;
  /** Apple's name parts, sent in the `user` form field on the first authorization */
  firstName?: string;
  lastName?: string;
};

export const SIM_ACCOUNTS: Record<SimProvider, SimAccount[]> = {
  kakao: [
    {
      id: '4100000001',
      label: '김민준 · minjun.kim@kakao.test',
      name: '김민준',
      email: 'minjun.kim@kakao.test',
      emailVerified: true,
    },
    // A Kakao app without business verification gets no e-mail at all.
    { id: '4100000002', label: '이서연 · (이메일 없음 / no e-mail)', name: '이서연', emailVerified: false },
  ],
  naver: [
    {
      id: 'nv-7f3a1c2e',
      label: '박지훈 · jihoon.park@naver.test',
      name: '박지훈',
      email: 'jihoon.park@naver.test',
      emailVerified: false,
    },
    // The demo buyer's address: signing in with it asks the account to prove itself before linking.
    {
      id: 'nv-92b4e0d1',
      label: '김예약 · user@yeyak.local',
      name: '김예약',
      email: 'user@yeyak.local',
      emailVerified: false,
    },
  ],
  apple: [
    {
      id: '001234.5f1e0c3a9b2d4e6f.0912',
      label: 'Alex Kim · alex.kim@icloud.test',
      name: 'Alex Kim',
      firstName: 'Alex',
      lastName: 'Kim',
      email: 'alex.kim@icloud.test',
      emailVerified: true,
    },
    {
      id: '001234.9ab7d2e1c4f05a38.0913',
      label: '최서준 · (이메일 가리기 / Hide My Email)',
      name: '최서준',
      firstName: '서준',
      lastName: '최',
      email: 'q7x2m9k4p1@privaterelay.appleid.com',
      emailVerified: true,
    },
  ],
};
