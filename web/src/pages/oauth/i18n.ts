import type { Words } from '../../i18n.tsx';

/** The social sign-in words: the buttons on /login and /signup and the /login/oauth page. */
const ko = {
  'oauth.or': '또는',
  'oauth.kakao': '카카오로 계속하기',
  'oauth.naver': '네이버로 계속하기',
  'oauth.apple': 'Apple로 계속하기',
  'oauth.demo': '데모 모드: 실제 계정 대신 테스트 계정을 고르는 대역(stand-in) 화면이 열립니다.',
  'oauth.title': '소셜 로그인',
  'oauth.working': '로그인하는 중…',
  'oauth.back': '로그인 화면으로',
  'oauth.error.access_denied': '{provider} 로그인에 동의하지 않아 로그인하지 않았습니다.',
  'oauth.error.state': '로그인 요청이 만료되었거나 이미 사용되었습니다. 다시 시도하세요.',
  'oauth.error.invalid_grant': '{provider}에서 로그인 코드를 받아들이지 않았습니다. 다시 시도하세요.',
  'oauth.error.id_token': '{provider}의 응답을 확인할 수 없어 로그인하지 않았습니다.',
  'oauth.error.binding': '다른 브라우저나 탭에서 시작한 로그인입니다. 여기서 다시 시작하세요.',
  'oauth.error.handoff': '로그인 링크가 만료되었거나 이미 사용되었습니다. 다시 시도하세요.',
  'oauth.error.upstream': '{provider}에 연결하지 못했습니다. 잠시 후 다시 시도하세요.',
  'oauth.error.other': '로그인하지 못했습니다. 다시 시도하세요.',
  'oauth.link.title': '기존 계정에 연결하기',
  'oauth.link.intro':
    '{email} 계정이 이미 있습니다. 본인 계정임을 확인해야 {provider} 로그인이 이 계정에 연결됩니다. 확인 전에는 아무것도 연결되지 않습니다.',
  'oauth.link.byPassword': '이 계정의 비밀번호로 확인',
  'oauth.link.byCode': '또는 이 계정의 이메일로 받은 코드로 확인',
  'oauth.link.codeOnly': '이 계정은 아직 이메일 인증 전이라, 이메일로 받은 코드로만 확인할 수 있습니다.',
  'oauth.link.sendCode': '이메일로 코드 받기',
  'oauth.link.codeSent': '{email}(으)로 6자리 코드를 보냈습니다.',
  'oauth.link.code': '코드 (6자리)',
  'oauth.link.confirm': '확인하고 연결하기',
  'oauth.link.cancel': '연결하지 않기',
  'oauth.link.wrongPassword': '비밀번호가 맞지 않습니다. 아무것도 연결되지 않았습니다.',
  'oauth.link.wrongCode': '코드가 틀렸거나 만료되었습니다. 아무것도 연결되지 않았습니다.',
  'oauth.link.spent':
    '틀린 시도가 너무 많아 연결 요청이 끝났습니다. 아무것도 연결되지 않았습니다. 다시 로그인하세요.',
  'oauth.link.gone': '연결 요청이 만료되었습니다. 아무것도 연결되지 않았습니다. 다시 로그인하세요.',
} as const;

export type OAuthKey = keyof typeof ko;

const en: Record<OAuthKey, string> = {
  'oauth.or': 'or',
  'oauth.kakao': 'Continue with Kakao',
  'oauth.naver': 'Continue with NAVER',
  'oauth.apple': 'Continue with Apple',
  'oauth.demo': 'Demo mode: these open a stand-in where you pick a test account instead of a real one.',
  'oauth.title': 'Social sign-in',
  'oauth.working': 'Signing you in…',
  'oauth.back': 'Back to log in',
  'oauth.error.access_denied': 'You did not give {provider} your consent, so you are not signed in.',
  'oauth.error.state': 'This sign-in expired or was already used. Please try again.',
  'oauth.error.invalid_grant': '{provider} did not accept the sign-in code. Please try again.',
  'oauth.error.id_token': "We could not verify {provider}'s answer, so you are not signed in.",
  'oauth.error.binding': 'This sign-in was started in another browser or tab. Please start it again here.',
  'oauth.error.handoff': 'This sign-in link expired or was already used. Please try again.',
  'oauth.error.upstream': 'We could not reach {provider}. Please try again in a moment.',
  'oauth.error.other': 'Signing in did not work. Please try again.',
  'oauth.link.title': 'Link to your account',
  'oauth.link.intro':
    'An account with {email} already exists. Show that it is yours and {provider} sign-in is linked to it. Nothing is linked until then.',
  'oauth.link.byPassword': "Confirm with this account's password",
  'oauth.link.byCode': "or with a code mailed to this account's address",
  'oauth.link.codeOnly':
    'This account has not verified its e-mail yet, so only a mailed code can confirm it.',
  'oauth.link.sendCode': 'Mail me a code',
  'oauth.link.codeSent': 'We mailed a 6-digit code to {email}.',
  'oauth.link.code': 'Code (6 digits)',
  'oauth.link.confirm': 'Confirm and link',
  'oauth.link.cancel': 'Do not link',
  'oauth.link.wrongPassword': 'Wrong password. Nothing was linked.',
  'oauth.link.wrongCode': 'Wrong or expired code. Nothing was linked.',
  'oauth.link.spent':
    'Too many wrong tries: this link request has ended and nothing was linked. Please sign in again.',
  'oauth.link.gone': 'This link request has expired and nothing was linked. Please sign in again.',
};

export const oauthWords: Words<OAuthKey> = { ko, en };

declare module '../../i18n.tsx' {
  interface ModuleKeys {
    oauth: OAuthKey;
  }
}
