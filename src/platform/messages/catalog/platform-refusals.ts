import type { Texts } from '../index.ts';

/**
 * Refusals of the platform's uploads, push devices and social sign-in (OAuth), and the words of the
 * account code mails (the templates only fill them in).
 */
export const platformRefusals = {
  'uploads.purpose': { ko: '용도는 {values} 중 하나여야 합니다.', en: 'one of {values}' },
  'uploads.not_image': {
    ko: '지원하지 않는 파일입니다 ({type}). JPEG, PNG, WebP, AVIF, GIF 이미지를 올리세요.',
    en: 'not a supported image ({type}): send JPEG, PNG, WebP, AVIF or GIF',
  },
  'uploads.unreadable': {
    ko: '이미지를 읽을 수 없습니다 (손상되었거나 잘린 파일).',
    en: 'the image could not be read (corrupt or truncated)',
  },
  'uploads.no_size': { ko: '크기가 없는 이미지입니다.', en: 'the image has no size' },
  'uploads.too_many_pixels': {
    ko: '픽셀이 너무 많습니다 ({width}×{height}, 최대 {mp}MP).',
    en: 'too many pixels ({width}×{height}; at most {mp} MP)',
  },
  'uploads.undecodable': {
    ko: '이미지를 해독할 수 없습니다 (손상되었거나 잘린 파일).',
    en: 'the image could not be decoded (corrupt or truncated)',
  },
  'push.fcm_token': {
    ko: 'FCM 등록 토큰이 아닙니다 (영문, 숫자, - _ : 32자 이상).',
    en: 'not an FCM registration token (32+ letters, digits, - _ :)',
  },
  'push.p256dh': {
    ko: '압축하지 않은 P-256 공개 키여야 합니다 (65바이트, base64url).',
    en: 'must be an uncompressed P-256 public key: 65 bytes, base64url',
  },
  'push.auth_secret': { ko: '16바이트 base64url 값이어야 합니다.', en: 'must be 16 bytes, base64url' },
  'push.endpoint_refused': {
    ko: '이 주소로는 보낼 수 없습니다: {reason}',
    en: 'refused: {reason}',
  },
  'oauth.provider.kakao': { ko: '카카오', en: 'Kakao' },
  'oauth.provider.naver': { ko: '네이버', en: 'Naver' },
  'oauth.provider.apple': { ko: 'Apple', en: 'Apple' },
  'oauth.link_unknown': {
    ko: '알 수 없거나 만료된 연결 요청입니다. 다시 로그인하세요.',
    en: 'this link request is unknown or expired: sign in again',
  },
  'oauth.link_other_browser': {
    ko: '다른 브라우저나 탭에서 시작한 연결입니다.',
    en: 'this link was started in another browser or tab',
  },
  'oauth.link_spent': {
    ko: '틀린 확인이 너무 많아 연결하지 않았습니다. 다시 로그인하세요.',
    en: 'wrong proof too many times: nothing was linked; sign in again',
  },
  'oauth.link_wrong_password': {
    ko: '비밀번호가 틀려 연결하지 않았습니다.',
    en: 'wrong password: nothing was linked',
  },
  'oauth.link_wrong_code': {
    ko: '코드가 틀렸거나 만료되어 연결하지 않았습니다.',
    en: 'wrong or expired code: nothing was linked',
  },
  'oauth.identity_taken': {
    ko: '이 {provider} 계정은 이미 다른 계정에 연결되어 있습니다.',
    en: 'this {provider} account is linked elsewhere',
  },
  'oauth.provider_error': {
    ko: '{provider}에서 로그인을 거절했습니다 ({error}).',
    en: '{provider} answered {error}',
  },
  'oauth.state': {
    ko: '로그인 요청을 알 수 없거나 이미 썼거나 만료되었습니다. 다시 시작하세요.',
    en: 'state unknown, used or expired: start the sign-in again',
  },
  'oauth.code_missing': { ko: '로그인 코드가 없습니다.', en: 'code missing' },
  'oauth.raced': {
    ko: '다른 로그인과 겹쳤습니다. 다시 로그인하세요.',
    en: 'this sign-in raced another: sign in again',
  },
  'oauth.signin_other_browser': {
    ko: '다른 브라우저나 탭에서 시작한 로그인입니다. 여기서 다시 시작하세요.',
    en: 'this sign-in was started in another browser or tab: start it again here',
  },
  'oauth.handoff': {
    ko: '로그인 코드를 알 수 없거나 이미 썼거나 만료되었습니다. 다시 시작하세요.',
    en: 'sign-in code unknown, used or expired: start again',
  },
  'oauth.link_required': {
    ko: '이 이메일로 가입한 계정이 있습니다. 본인 계정임을 확인하면 {provider}을(를) 연결합니다.',
    en: 'link required: an account with this e-mail exists; prove it is yours to link {provider}',
  },
  'oauth.invalid_grant': {
    ko: '{provider}이(가) 로그인 코드를 거절했습니다 (틀렸거나 이미 썼거나 만료됨). 다시 로그인하세요.',
    en: '{provider} refused the code (invalid_grant): it was wrong, used or expired; sign in again',
  },
  'oauth.id_token': {
    ko: '{provider}의 신원 토큰을 받아들일 수 없습니다 ({problem}).',
    en: '{provider} id_token refused ({problem})',
  },
  'oauth.id_token_missing': { ko: 'Apple 신원 토큰이 없습니다.', en: 'apple id_token missing' },
  'oauth.id_token_subject': {
    ko: '{provider}의 신원 토큰이 프로필과 다른 사용자를 가리킵니다.',
    en: '{provider} id_token names another user than its profile',
  },
  'auth.mail_hello': { ko: '{name}님, 안녕하세요.', en: 'Hello {name},' },
  'auth.mail_verify_line': { ko: 'yeyak 가입 인증 코드입니다.', en: 'Your yeyak verification code:' },
  'auth.mail_reset_line': {
    ko: '비밀번호 재설정 코드입니다. 새 비밀번호와 함께 입력하세요.',
    en: 'Your password reset code; enter it with your new password:',
  },
  'auth.mail_withdraw_line': {
    ko: '회원 탈퇴를 확인하는 코드입니다. 입력하면 계정이 삭제됩니다.',
    en: 'The code that confirms deleting your account; entering it deletes the account:',
  },
  'auth.mail_within': { ko: '{minutes}분 안에 입력해 주세요.', en: 'Enter it within {minutes} minutes.' },
  'oauth.mail_link_subject': {
    ko: '[yeyak] {provider} 연결 코드 {code}',
    en: '[yeyak] {provider} link code {code}',
  },
  'oauth.mail_link_line': {
    ko: '{provider} 계정을 yeyak 계정에 연결하려면 아래 코드를 입력하세요.',
    en: 'To link your {provider} sign-in to your yeyak account, enter this code:',
  },
  'oauth.mail_link_ignore': {
    ko: '직접 요청하지 않았다면 이 메일을 무시하세요. 아무것도 연결되지 않습니다.',
    en: 'If this was not you, ignore this mail: nothing gets linked.',
  },
  'auth.mail_existing_subject': {
    ko: '[yeyak] 이미 가입된 이메일입니다',
    en: '[yeyak] You already have an account',
  },
  'auth.mail_existing_line': {
    ko: '이 이메일 주소로 yeyak 가입 요청이 있었지만, 이미 계정이 있습니다. 직접 요청하셨다면 로그인하세요.',
    en: 'Someone asked to sign up to yeyak with this address, which already has an account. If it was you, log in.',
  },
  'auth.mail_login': { ko: '로그인', en: 'Log in' },
  'auth.mail_find_subject': { ko: '[yeyak] 계정 찾기 결과', en: '[yeyak] Your account lookup' },
  'auth.mail_find_exists': {
    ko: '이 이메일 주소({email})로 가입된 yeyak 계정이 있습니다. 로그인 방법: {methods}.',
    en: 'There is a yeyak account at this address ({email}). It signs in with: {methods}.',
  },
  'auth.mail_find_reset': { ko: '비밀번호 재설정', en: 'Reset the password' },
  'auth.mail_find_none': {
    ko: '이 이메일 주소({email})로 가입된 yeyak 계정은 없습니다. 다른 주소로 가입하셨을 수 있습니다.',
    en: 'There is no yeyak account at this address ({email}). You may have signed up with another one.',
  },
  'auth.mail_signup': { ko: '새로 가입하기', en: 'Sign up' },
  'auth.method.password': { ko: '이메일과 비밀번호', en: 'e-mail and password' },
  'auth.method.kakao': { ko: '카카오', en: 'Kakao' },
  'auth.method.naver': { ko: '네이버', en: 'Naver' },
  'auth.method.apple': { ko: 'Apple', en: 'Apple' },
  'auth.method.none': { ko: '없음', en: 'none' },
  'auth.mail_ignore': {
    ko: '직접 요청하지 않으셨다면 이 메일은 무시하셔도 됩니다.',
    en: 'If you did not ask for it, you can ignore this mail.',
  },
} as const satisfies Record<string, Texts>;
