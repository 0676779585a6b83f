import type { Words } from '../../i18n.tsx';

/** The account pages' words: profile, withdrawal, forgotten password, find-account, admin additions. */
const ko = {
  'role.counselor': '상담사',
  'nav.account': '내 계정',
  'acct.forgotLink': '비밀번호를 잊으셨나요?',
  'acct.findLink': '가입한 이메일이 기억나지 않나요?',
  'acct.forgotTitle': '비밀번호 재설정',
  'acct.forgotIntro': '가입한 이메일을 입력하면 재설정 코드를 보내 드립니다.',
  'acct.sendCode': '코드 보내기',
  'acct.codeMaybeSent':
    '이 주소로 가입된 계정이 있으면 6자리 코드를 보냈습니다. 코드는 30분 동안 유효합니다.',
  'acct.code': '메일로 받은 코드 (6자리)',
  'acct.newPassword': '새 비밀번호',
  'acct.setPassword': '비밀번호 바꾸기',
  'acct.resetDone':
    '비밀번호를 바꿨습니다. 다른 기기의 로그인도 모두 끝났습니다. 새 비밀번호로 로그인하세요.',
  'acct.otherAddress': '다른 이메일로 다시',
  'acct.findTitle': '계정 찾기',
  'acct.findIntro': '이메일 주소를 입력하면 그 주소로 계정이 있는지와 로그인 방법을 메일로 알려 드립니다.',
  'acct.findButton': '메일로 알려 주세요',
  'acct.findSent': '{email}(으)로 결과를 보냈습니다. 메일함을 확인하세요.',
  'acct.backToLogin': '로그인으로 돌아가기',
  'acct.profileTitle': '내 계정',
  'acct.profile': '프로필',
  'acct.nickname': '닉네임',
  'acct.nicknameHint': '2~20자, 글자·숫자·공백·. _ - (다른 사람과 겹칠 수 없음)',
  'acct.intro': '자기소개',
  'acct.introHint': '{n}/500자',
  'acct.lang': '메일·알림 언어',
  'acct.langHint': '위쪽 언어 전환도 이 설정을 바꿉니다.',
  'acct.saved': '저장했습니다.',
  'acct.withdrawTitle': '회원 탈퇴',
  'acct.withdrawText':
    '탈퇴하면 이메일, 이름, 닉네임, 자기소개가 지워지고 다시 로그인할 수 없습니다. 예매 기록 같은 거래 기록은 개인 정보 없이 남습니다. 같은 이메일로 나중에 다시 가입할 수 있습니다.',
  'acct.withdrawPassword': '확인을 위해 비밀번호를 입력하세요',
  'acct.withdrawCodeText': '비밀번호가 없는 계정입니다. 메일로 받은 확인 코드를 입력하세요.',
  'acct.withdrawSendCode': '확인 코드 보내기',
  'acct.withdrawCodeSent': '확인 코드를 보냈습니다.',
  'acct.withdrawButton': '탈퇴하기',
  'acct.withdrawAsk': '정말 탈퇴할까요? 되돌릴 수 없습니다.',
  'acct.withdrawn': '탈퇴가 끝났습니다. 그동안 이용해 주셔서 감사합니다.',
  'admin.users.allRoles': '모든 역할',
  'admin.users.allStates': '모든 상태',
  'admin.users.suspended': '정지됨',
  'admin.users.withdrawn': '탈퇴함',
  'admin.users.memo': '관리자 메모',
  'admin.users.memoHint': '관리자만 볼 수 있습니다.',
  'admin.users.memoSaved': '메모를 저장했습니다.',
  'admin.users.revoke': '로그인 모두 끊기',
  'admin.users.revokeAsk': '{email}의 로그인을 모두 끊을까요?',
  'admin.users.revoked': '로그인 {n}개를 끊었습니다.',
  'admin.users.details': '메모·세션',
} as const;

export type AccountKey = keyof typeof ko;

const en: Record<AccountKey, string> = {
  'role.counselor': 'counsellor',
  'nav.account': 'My account',
  'acct.forgotLink': 'Forgot your password?',
  'acct.findLink': 'Forgot which e-mail you used?',
  'acct.forgotTitle': 'Reset your password',
  'acct.forgotIntro': 'Enter the e-mail you signed up with and we will mail you a reset code.',
  'acct.sendCode': 'Send code',
  'acct.codeMaybeSent':
    'If an account has this address, we mailed it a 6-digit code. It works for 30 minutes.',
  'acct.code': 'Code from the mail (6 digits)',
  'acct.newPassword': 'New password',
  'acct.setPassword': 'Change password',
  'acct.resetDone': 'Password changed, and every other session has ended. Log in with the new password.',
  'acct.otherAddress': 'Use another e-mail',
  'acct.findTitle': 'Find your account',
  'acct.findIntro':
    'Enter an e-mail address: we mail it whether it has an account and how that account signs in.',
  'acct.findButton': 'Mail me the answer',
  'acct.findSent': 'We mailed the answer to {email}. Check that inbox.',
  'acct.backToLogin': 'Back to log in',
  'acct.profileTitle': 'My account',
  'acct.profile': 'Profile',
  'acct.nickname': 'Nickname',
  'acct.nicknameHint': '2–20 characters: letters, digits, spaces, . _ - (must be unique)',
  'acct.intro': 'About me',
  'acct.introHint': '{n}/500 characters',
  'acct.lang': 'Language of mails and notices',
  'acct.langHint': 'The language switch at the top changes it too.',
  'acct.saved': 'Saved.',
  'acct.withdrawTitle': 'Delete account',
  'acct.withdrawText':
    'Deleting clears your e-mail, name, nickname and intro, and you can no longer log in. Records of purchases stay without your personal data. You can sign up again later with the same e-mail.',
  'acct.withdrawPassword': 'Enter your password to confirm',
  'acct.withdrawCodeText': 'This account has no password: enter the confirmation code we mail you.',
  'acct.withdrawSendCode': 'Send confirmation code',
  'acct.withdrawCodeSent': 'The confirmation code is on its way.',
  'acct.withdrawButton': 'Delete my account',
  'acct.withdrawAsk': 'Really delete your account? This cannot be undone.',
  'acct.withdrawn': 'Your account is deleted. Thank you for using yeyak.',
  'admin.users.allRoles': 'All roles',
  'admin.users.allStates': 'All states',
  'admin.users.suspended': 'suspended',
  'admin.users.withdrawn': 'withdrawn',
  'admin.users.memo': 'Admin memo',
  'admin.users.memoHint': 'Only admins can see this.',
  'admin.users.memoSaved': 'Memo saved.',
  'admin.users.revoke': 'End all sessions',
  'admin.users.revokeAsk': 'End every session of {email}?',
  'admin.users.revoked': '{n} session(s) ended.',
  'admin.users.details': 'Memo & sessions',
};

declare module '../../i18n.tsx' {
  interface ModuleKeys {
    account: AccountKey;
  }
}

export const accountWords: Words<AccountKey> = { ko, en };
